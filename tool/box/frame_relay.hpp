#pragma once
// PID 1's side of a framed channel (Stdio::framed). waybill writes requests to the box's
// stdin and reads replies from its stdout, each a frame: a decimal length, a newline,
// then that many bytes. The workload never holds those two descriptors: PID 1 keeps
// them and gives the workload pipes of its own, then passes requests down and exactly
// one reply up per request, each of at most `max_frame` bytes. A reply nobody asked for,
// a bad length line or an oversized frame ends the box with the reason.
//
// Why: a cell's code runs in the workload and can write to whatever the workload holds.
// It cannot reach PID 1's descriptors: PID 1 is not dumpable and the box has no
// CAP_SYS_PTRACE, so neither /proc/1/fd nor ptrace leads there. What the cell can still
// forge is a reply to its own request, from inside its own process; the host's checks
// of every reply (exec/output_checks.hpp) are what make that harmless.
#include <poll.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/fs.hpp"

namespace waybill::box {

class FrameRelay {
 public:
  struct Fds {
    int host_in = -1, host_out = -1;            // waybill's ends, held by PID 1
    int to_workload = -1, from_workload = -1;   // PID 1's ends of the workload's pipes
  };
  // Takes ownership of all four descriptors.
  FrameRelay(Fds fds, uint64_t max_frame);

  // The descriptors to poll now, with the events wanted.
  void poll_set(std::vector<pollfd>& fds) const;
  // Handles readiness of `fd`. Returns why the workload broke the protocol, if it did;
  // the relay has then closed every descriptor.
  std::optional<std::string> handle(int fd, short revents);
  // Both directions have ended.
  bool finished() const { return !from_workload_ && !host_in_ && !to_workload_; }

 private:
  // Parses frame boundaries in a byte stream, without keeping the bodies.
  struct FrameCursor {
    std::string header;
    uint64_t body_left = 0;
    bool in_body = false;
  };

  void read_host();
  void write_workload();
  std::optional<std::string> read_workload();
  std::optional<std::string> pass_up(const char* data, size_t size);
  std::optional<std::string> violation(std::string why);

  UniqueFd host_in_, host_out_, to_workload_, from_workload_;
  uint64_t max_frame_;
  std::string down_;            // requests read from waybill, not yet written down
  FrameCursor requests_, replies_;
  uint64_t outstanding_ = 0;    // requests whose reply has not begun
};

}  // namespace waybill::box
