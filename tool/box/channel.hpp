#pragma once
// The one-way channel from a box's processes back to waybill: warnings, a setup or exec
// error, and the workload's wait status. Each record is one write(2) of less than
// PIPE_BUF bytes, so the reaper's and the workload's records never interleave, and the
// parent reads them all once both have gone.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::box {

// Protocol: the workload broke its framed channel (box/frame_relay.hpp).
enum class RecordType : char { Warning = 'W', Error = 'E', Status = 'S', Protocol = 'P' };

// Safe to call between fork and exec: no allocation beyond a stack buffer.
void send_record(int fd, RecordType type, int code, std::string_view message, std::string_view hint = {});

struct StartError {
  int exit_code = 0;  // kExitStartFailed, kExitNotExecutable or kExitNotFound
  std::string message, hint;
};

struct ChildReport {
  std::vector<std::string> warnings;
  std::optional<StartError> error;
  std::optional<int> wait_status;  // the workload's, as waitpid gives it
  std::optional<std::string> protocol_error;
};

ChildReport parse_records(std::string_view data);

}  // namespace waybill::box
