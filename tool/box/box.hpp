#pragma once
// A running box. start() creates the namespaces (clone3 with CLONE_PIDFD), whose first
// process builds the root and starts the workload; wait() relays signals (and, with a
// pty, the terminal), enforces the timeout by killing the whole pid namespace, and
// says how the box ended. Nothing outlives the Box: its destructor kills what is left,
// removes the cgroups and the box's state directory.
#include <signal.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "box/lease.hpp"
#include "box/cgroups.hpp"
#include "box/channel.hpp"
#include "box/rootfs.hpp"
#include "box/spec.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::box {

struct BoxOutcome {
  ExitStatus status;
  // Set when the command never ran: the box could not be set up (125), or the command
  // is not executable (126) or not found (127).
  std::optional<StartError> start_error;
  // Set when the workload broke its framed channel (Stdio::framed), and was stopped.
  std::optional<std::string> protocol_error;
};

// Output the caller reads while the box runs: the read end of a pipe whose write end
// went to the box as stdout or stderr (and was closed in the caller after start()).
// The sink returns false when it has seen enough (a limit on what the box may print):
// the box is then stopped, and the rest is not read.
struct OutputRelay {
  int fd = -1;
  std::function<bool(std::string_view chunk)> sink;
};

class Box {
 public:
  // Throws Error(Environment) when the box cannot even be created (no privileges for
  // namespaces, an unusable state directory). Warnings (unenforced limits, the copy
  // fallback) go to `reporter`.
  // The hostname defaults to the box's id.
  static Box start(BoxSpec spec, Reporter& reporter);

  Box(Box&&) noexcept;
  Box& operator=(Box&&) = delete;
  Box(const Box&) = delete;
  ~Box();

  const std::string& id() const { return id_; }
  // The limits the spec asked for that no cgroup enforces here ("memory", "pids", "cpu").
  const std::vector<std::string>& unenforced_limits() const { return unenforced_; }
  // Runs the box to its end. Call once. What arrives on each relay's fd is passed to its
  // sink as it comes, and all of it before wait returns.
  BoxOutcome wait(Reporter& reporter, const std::vector<OutputRelay>& relays = {});
  // Sends a signal to the box's PID 1, which forwards it to the workload.
  void signal(int sig);

  // The pidfd of the box's PID 1, for callers that poll beside the box (readable once it
  // has exited). Owned by the Box.
  int pidfd() const { return pidfd_.get(); }
  // The box's network namespace (BoxSpec::share_network), for setns(2); -1 without one.
  int network() const { return network_ ? network_.get() : -1; }

 private:
  Box() = default;
  void relay_terminal_output(bool drain);
  // Reads what is there on the relay's fd; false at end of file or when the sink has
  // had enough (then the box is stopped).
  bool relay_output(const OutputRelay& relay);
  void reap(bool block);
  void cleanup();

  std::string id_;
  std::unique_ptr<BoxSpec> spec_;
  BoxDirs dirs_;
  Lease lease_;  // before cgroups_: released only after they are gone
  CgroupGuard cgroups_;
  std::vector<std::string> unenforced_;
  UniqueFd pidfd_, report_, parent_alive_, tty_master_, network_;
  std::chrono::steady_clock::time_point started_;
  sigset_t old_mask_{};
  bool masked_ = false;
  bool reaped_ = false;
  bool finished_ = false;  // the box reported how it ended
};

// Random, 12 hex digits: the box's id, default hostname and state directory name.
std::string new_box_id();

}  // namespace waybill::box
