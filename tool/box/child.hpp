#pragma once
// The two processes inside a box. The reaper is the box's PID 1: it joins the cgroups,
// builds the root, enters it, starts the workload as PID 2, forwards signals to it,
// reaps orphans and reports the workload's status. The workload drops privileges and
// executes the command. Both run in copies of waybill's memory made by clone, and
// report failures over the channel (box/channel.hpp), never by printing.
#include <sys/ioctl.h>

#include <optional>
#include <string>
#include <vector>

#include "box/mount_plan.hpp"
#include "box/rootfs.hpp"
#include "box/spec.hpp"

namespace waybill::box {

struct ChildPlan {
  const BoxSpec* spec = nullptr;
  BoxDirs dirs;
  std::vector<MountOp> mounts;
  std::vector<GeneratedFile> seeded, bound;  // generated files: in the upper layer, or bind-mounted
  std::vector<std::string> env;     // the workload's environment, less HOME (from passwd)
  int report_fd = -1;               // channel to waybill (write end)
  int parent_alive_fd = -1;         // read end of a pipe waybill holds open while it lives
  int tty_socket = -1;              // -t: where the pty master is sent
  int netns_socket = -1;            // BoxSpec::share_network: where the network namespace is sent
  std::vector<int> cgroup_procs;    // cgroup.procs files to join
  std::optional<winsize> window;    // -t: the terminal's size at start
  // A framed channel's pipes from PID 1, given to the workload as stdin and stdout
  // in place of Stdio::in and out; -1 otherwise.
  int workload_in = -1, workload_out = -1;
};

[[noreturn]] void run_reaper(const ChildPlan& plan);

// Called in the workload process (PID 2) after the reaper has set up the root.
[[noreturn]] void run_workload(const ChildPlan& plan, int tty_slave);

}  // namespace waybill::box
