#pragma once
// Running a host tool (latexmk, mmdebstrap, ...) and capturing what it prints. The child
// gets /dev/null as stdin and no file descriptor beyond stdio.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace waybill {

// Owns a child process: kills (SIGKILL) and reaps it unless it was waited for.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Waits for the child; returns the raw wait status.
  int wait();

 private:
  pid_t pid_ = -1;
};

struct ProcessOptions {
  std::filesystem::path cwd;                  // empty: inherit
  std::filesystem::path stdin_path;           // empty: /dev/null
  std::vector<std::string> extra_env;         // "K=V", added to (and overriding) ours
  std::optional<std::chrono::milliseconds> timeout;
};

struct ProcessResult {
  int exit_code = -1;    // valid when signal == 0
  int signal = 0;        // the signal that ended it, if any
  bool timed_out = false;
  std::string output;    // stdout and stderr, interleaved as written
  bool ok() const { return signal == 0 && !timed_out && exit_code == 0; }
};

// Runs argv[0] (looked up in PATH) and waits. Throws Error(Environment) when the program
// cannot be started (not installed), never for a non-zero exit.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Whether `program` is found in PATH.
bool program_exists(const std::string& program);

}  // namespace waybill
