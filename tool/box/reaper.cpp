// The box's PID 1. Everything here runs in the child of clone, inside the new
// namespaces, and ends in _exit: an error becomes a channel record, never an exception
// escaping into a copy of waybill's main.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include "box/channel.hpp"
#include "box/child.hpp"
#include "box/fd_sweep.hpp"
#include "box/frame_relay.hpp"
#include "box/mounts.hpp"
#include "box/namespaces.hpp"
#include "box/pty.hpp"
#include "util/error.hpp"

namespace waybill::box {

namespace {

void join_cgroups(const std::vector<int>& procs) {
  for (int fd : procs) {
    if (::write(fd, "0", 1) != 1) throw Error::from_errno("join", "the box's cgroup", errno, ErrorKind::Environment);
  }
}

// Dies with waybill: if waybill is killed, the kernel kills this process, and with it
// every process of the pid namespace.
void tie_to_parent(int parent_alive_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  pollfd p{parent_alive_fd, POLLIN, 0};
  if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLIN))) ::_exit(kExitStartFailed);
}

bool forwarded(int sig) {
  switch (sig) {
    case SIGCHLD: case SIGFPE: case SIGILL: case SIGSEGV: case SIGBUS: case SIGABRT: case SIGTRAP: case SIGSYS:
    case SIGTTIN: case SIGTTOU: case SIGTSTP:
      return false;
    default:
      return true;
  }
}

// Forwards signals to the workload, reaps every process that ends in the box, and,
// for a framed channel, relays it. Ends with the workload, after reporting its status.
[[noreturn]] void supervise(pid_t workload, int report_fd, std::optional<FrameRelay> relay) {
  sigset_t all;
  sigfillset(&all);
  UniqueFd signals(::signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals) throw Error::from_errno("create", "the reaper's signalfd", errno, ErrorKind::Environment);
  std::vector<pollfd> fds;
  for (;;) {
    fds.assign({{signals.get(), POLLIN, 0}});
    if (relay) relay->poll_set(fds);
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    for (size_t i = 1; i < fds.size() && relay; ++i) {
      if (auto broken = relay->handle(fds[i].fd, fds[i].revents)) {
        send_record(report_fd, RecordType::Protocol, 0, *broken);
        ::kill(workload, SIGKILL);
        relay.reset();
      }
    }
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    while (::read(signals.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      int sig = static_cast<int>(info.ssi_signo);
      if (sig != SIGCHLD) {
        if (forwarded(sig)) ::kill(workload, sig);
        continue;
      }
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != workload) continue;
        // Whatever the workload left behind dies now, before the status goes out, so
        // that waybill may return as soon as it reads it: nothing of the box runs after.
        ::kill(-1, SIGKILL);
        while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
        }
        send_record(report_fd, RecordType::Status, status, {});
        ::_exit(0);
      }
    }
  }
}

// The workload borrows the reaper's memory until it executes the command (CLONE_VM |
// CLONE_VFORK, as posix_spawn does): no page tables copied, no copy-on-write faults
// afterwards. That is safe because the reaper has one thread and is suspended until
// the exec, so whatever the workload allocates is as if the reaper had. It has its own
// fd table, signal dispositions, credentials and working directory. Sanitizer builds,
// whose runtimes keep per-thread state a borrowed stack confuses, use fork.
pid_t spawn_workload(const ChildPlan& plan, int tty_slave) {
#if defined(__SANITIZE_ADDRESS__)
  pid_t pid = ::fork();
  if (pid == 0) run_workload(plan, tty_slave);
  return pid;
#else
  constexpr size_t kStack = 8 << 20;  // reserved, not touched: mmap is lazy
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return -1;
  struct Start {
    const ChildPlan* plan;
    int tty_slave;
  } start{&plan, tty_slave};
  auto entry = [](void* arg) -> int {
    auto* s = static_cast<Start*>(arg);
    run_workload(*s->plan, s->tty_slave);
  };
  pid_t pid = ::clone(entry, static_cast<char*>(stack) + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
  ::munmap(stack, kStack);
  return pid;
#endif
}

[[noreturn]] void reaper(const ChildPlan& plan) {
  const BoxSpec& spec = *plan.spec;
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, nullptr);
  // Not dumpable: no process in the box, root or not, can open /proc/1/exe (waybill's
  // binary), /proc/1/fd or /proc/1/mem.
  ::prctl(PR_SET_DUMPABLE, 0);
  ::prctl(PR_SET_NAME, "waybill-init");
  // Sent, not opened by the caller: /proc/PID/ns of a process that is not dumpable is
  // refused to an ordinary user's waybill.
  if (plan.netns_socket >= 0) {
    UniqueFd netns(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (netns) send_fd(plan.netns_socket, netns.get());
  }
  join_cgroups(plan.cgroup_procs);
  // The copies of waybill's own ends of the pipes go too, or waybill's death would
  // never show as a hang-up on parent_alive_fd.
  // Every fd the box does not need goes, including any the caller of waybill leaked to
  // it: none may stay reachable from inside.
  close_fds_except({plan.report_fd, plan.parent_alive_fd, plan.tty_socket, spec.stdio.in, spec.stdio.out,
                    spec.stdio.err});
  tie_to_parent(plan.parent_alive_fd);
  ::setsid();
  ::umask(0);

  make_mounts_private();
  prepare_scratch(spec.root, plan.dirs, plan.seeded, plan.bound);
  std::string warning;
  UniqueFd root = mount_root(spec.root, plan.dirs, warning);
  if (!warning.empty()) send_record(plan.report_fd, RecordType::Warning, 0, warning);
  apply_mounts(root.get(), plan.mounts);
  enter_root(root.get());
  root.reset();
  set_hostname(spec.hostname);
  if (spec.network == Network::None) bring_up_loopback();

  BoxPty pty;
  if (spec.stdio.tty) {
    pty = open_box_pty(plan.window);
    send_fd(plan.tty_socket, pty.master.get());
    pty.master.reset();
  }
  // A framed channel: the workload gets pipes to this process instead of waybill's fds.
  ChildPlan local = plan;
  std::optional<FrameRelay> relay;
  UniqueFd down_read, up_write;
  if (spec.stdio.framed && !spec.stdio.tty) {
    auto [dr, dw] = make_pipe();
    auto [ur, uw] = make_pipe();
    local.workload_in = dr.get();
    local.workload_out = uw.get();
    relay.emplace(FrameRelay::Fds{spec.stdio.in, spec.stdio.out, dw.release(), ur.release()}, spec.stdio.max_frame);
    down_read = std::move(dr);
    up_write = std::move(uw);
  }
  pid_t pid = spawn_workload(local, pty.slave.get());
  if (pid < 0) throw Error::from_errno("start", "the workload", errno, ErrorKind::Environment);
  pty.slave.reset();
  down_read.reset();
  up_write.reset();
  supervise(pid, plan.report_fd, std::move(relay));
}

}  // namespace

void run_reaper(const ChildPlan& plan) {
  if (auto err = capture_error([&] { reaper(plan); }))
    send_record(plan.report_fd, RecordType::Error, kExitStartFailed, err->message(), err->hint());
  ::_exit(kExitStartFailed);
}

}  // namespace waybill::box
