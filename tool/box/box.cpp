#include "box/box.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include "box/child.hpp"
#include "box/environment.hpp"
#include "box/mount_plan.hpp"
#include "box/namespaces.hpp"
#include "box/pty.hpp"
#include "util/error.hpp"
#include "util/user_namespace.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

// Signals waybill passes on to the box rather than dying of them.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

// clone3's argument block (linux/sched.h), declared here to keep that header's macros
// away from glibc's <sched.h>.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

std::vector<std::string> with_defaults(const BoxSpec& spec) {
  std::vector<std::string> env = spec.env;
  if (!env_get(env, "PATH")) env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!env_get(env, "HOSTNAME") && !spec.hostname.empty()) env.push_back("HOSTNAME=" + spec.hostname);
  if (!env_get(env, "TERM") && spec.stdio.tty) env.push_back("TERM=xterm");
  return env;
}

// Which open relay reads `fd`, or relays.size().
size_t relay_index(const std::vector<OutputRelay>& relays, const std::vector<bool>& open, int fd) {
  for (size_t i = 0; i < relays.size(); ++i)
    if (open[i] && relays[i].fd == fd) return i;
  return relays.size();
}

// Each limit's warning once per process: a render starts many boxes, and the record
// and the panel say for every cell which limits did not hold.
void warn_once(const UnenforcedLimit& u, Reporter& reporter) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!warned.insert(u.limit).second) return;
  }
  std::string hint;
  if (in_user_namespace() && u.limit != "swap")
    hint = "an ordinary user's boxes are limited through a delegated cgroup v2 subtree (systemd's user@UID.service, "
           "or systemd-run --user --scope -p Delegate=yes waybill ...); cgroup v1 is for root only. The time "
           "limit holds regardless";
  reporter.warn(u.message, {}, hint);
}

Error namespace_error(int err) {
  Error e = Error::from_errno("create the box's namespaces", "clone3", err, ErrorKind::Environment);
  if (err == EPERM || err == ENOSPC || err == EUSERS)
    e.with_hint("this machine refuses the namespaces a box needs (for an ordinary user: user namespaces may be "
                "disabled or restricted, see user.max_user_namespaces); run waybill as root, or allow them");
  return e;
}

}  // namespace

std::string new_box_id() {
  unsigned char bytes[6];
  if (::getrandom(bytes, sizeof bytes, 0) != sizeof bytes) throw Error::from_errno("getrandom", "", errno);
  char hex[13];
  for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

Box Box::start(BoxSpec spec_in, Reporter& reporter) {
  if (spec_in.argv.empty()) throw Error(ErrorKind::Usage, "no command to run", {}, "give a command, or use an image with a Cmd");
  Box box;
  box.id_ = new_box_id();
  box.spec_ = std::make_unique<BoxSpec>(std::move(spec_in));
  BoxSpec& spec = *box.spec_;
  if (spec.hostname.empty()) spec.hostname = box.id_;
  box.dirs_.scratch = spec.state_dir / "scratch";
  box.dirs_.copy = spec.state_dir / (box.id_ + "-rootfs");
  if (::mkdir(box.dirs_.scratch.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error::from_errno("create", box.dirs_.scratch.string(), errno, ErrorKind::Io);
  // What boxes of killed waybill processes left goes first; then this box's lease lists
  // everything it may leave, before any of it exists.
  SweepReport swept = sweep_stale_leases(spec.state_dir);
  for (const auto& problem : swept.problems)
    reporter.warn("an earlier, killed waybill left " + problem, {}, "`waybill image prune` tries again");
  box.lease_ = Lease::take(spec.state_dir, "box-" + box.id_);
  box.lease_.add_dir(box.dirs_.copy);

  ChildPlan plan;
  plan.spec = &spec;
  plan.dirs = box.dirs_;
  bool host_net = spec.network == Network::Host;
  auto files = generated_files(spec, host_net ? read_file_if_exists("/etc/resolv.conf").value_or("") : "",
                               host_net ? read_file_if_exists("/etc/hosts").value_or("") : "");
  (can_seed_upper(spec.root) ? plan.seeded : plan.bound) = std::move(files);
  plan.mounts = plan_mounts(spec, plan.bound, box.dirs_);
  plan.env = with_defaults(spec);

  if (spec.limits.any()) {
    std::vector<UnenforcedLimit> unenforced;
    box.cgroups_ = CgroupGuard::create(spec.limits, "waybill-" + box.id_, find_controllers(), unenforced,
                                       [&box](const fs::path& dir) { box.lease_.add_cgroup(dir); });
    for (const auto& u : unenforced) {
      if (u.limit != "swap") box.unenforced_.push_back(u.limit);
      warn_once(u, reporter);
    }
  }
  for (const auto& fd : box.cgroups_.procs_fds()) plan.cgroup_procs.push_back(fd.get());

  auto [report_r, report_w] = make_pipe();
  auto [alive_r, alive_w] = make_pipe();
  UniqueFd tty_parent, tty_child;
  if (spec.stdio.tty) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      throw Error::from_errno("create", "a socket pair", errno, ErrorKind::Environment);
    tty_parent.reset(sv[0]);
    tty_child.reset(sv[1]);
    plan.window = terminal_size(STDIN_FILENO);
    if (!plan.window) plan.window = terminal_size(STDOUT_FILENO);
  }
  plan.report_fd = report_w.get();
  plan.parent_alive_fd = alive_r.get();
  plan.tty_socket = tty_child.get();
  UniqueFd netns_parent, netns_child;
  if (spec.share_network && spec.network == Network::None) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      throw Error::from_errno("create", "a socket pair", errno, ErrorKind::Environment);
    netns_parent.reset(sv[0]);
    netns_child.reset(sv[1]);
  }
  plan.netns_socket = netns_child ? netns_child.get() : -1;

  sigset_t forwarded;
  sigemptyset(&forwarded);
  for (int s : kForwarded) sigaddset(&forwarded, s);
  ::sigprocmask(SIG_BLOCK, &forwarded, &box.old_mask_);
  box.masked_ = true;

  int pidfd = -1;
  CloneArgs args{};
  args.flags = namespace_flags(spec) | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  box.started_ = std::chrono::steady_clock::now();
  long pid = ::syscall(SYS_clone3, &args, sizeof args);

  if (pid < 0) throw namespace_error(errno);
  if (pid == 0) run_reaper(plan);  // never returns

  box.pidfd_.reset(pidfd);
  box.report_ = std::move(report_r);
  box.parent_alive_ = std::move(alive_w);
  if (netns_parent) {
    netns_child.reset();
    box.network_ = receive_fd(netns_parent.get());  // empty if setup failed first
  }
  if (spec.stdio.tty) {
    tty_child.reset();
    box.tty_master_ = receive_fd(tty_parent.get());  // empty if setup failed first
  }
  return box;
}

Box::Box(Box&& o) noexcept
    : id_(std::move(o.id_)), spec_(std::move(o.spec_)), dirs_(std::move(o.dirs_)), lease_(std::move(o.lease_)),
      cgroups_(std::move(o.cgroups_)), unenforced_(std::move(o.unenforced_)),
      pidfd_(std::move(o.pidfd_)), report_(std::move(o.report_)), parent_alive_(std::move(o.parent_alive_)),
      tty_master_(std::move(o.tty_master_)), network_(std::move(o.network_)), started_(o.started_), old_mask_(o.old_mask_), masked_(o.masked_),
      reaped_(o.reaped_), finished_(o.finished_) {
  o.masked_ = false;
  o.reaped_ = true;
  o.dirs_.copy.clear();
}

void Box::signal(int sig) {
  if (pidfd_ && !reaped_) ::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0);
}

void Box::relay_terminal_output(bool drain) {
  char buf[16384];
  do {
    ssize_t n = ::read(tty_master_.get(), buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
      tty_master_.reset();  // EIO: every holder of the pty's peer is gone
      return;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(STDOUT_FILENO, buf + off, static_cast<size_t>(n - off));
      if (w <= 0 && errno != EINTR) return;
      if (w > 0) off += w;
    }
  } while (drain);
}

bool Box::relay_output(const OutputRelay& relay) {
  char buf[1 << 16];
  ssize_t n = ::read(relay.fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  if (relay.sink(std::string_view(buf, static_cast<size_t>(n)))) return true;
  signal(SIGKILL);
  return false;
}

BoxOutcome Box::wait(Reporter& reporter, const std::vector<OutputRelay>& relays) {
  BoxOutcome out;
  const BoxSpec& spec = *spec_;
  sigset_t forwarded;
  sigemptyset(&forwarded);
  for (int s : kForwarded) sigaddset(&forwarded, s);
  UniqueFd sigfd(::signalfd(-1, &forwarded, SFD_CLOEXEC | SFD_NONBLOCK));
  std::optional<RawTerminal> raw;
  if (tty_master_) raw.emplace(STDIN_FILENO);
  bool stdin_open = tty_master_ && spec.stdio.forward_stdin;
  auto deadline = started_ + spec.timeout;

  std::string records;
  bool report_open = true, status_seen = false;
  std::vector<bool> relay_open;
  for (const auto& r : relays) relay_open.push_back(r.fd >= 0);
  // Done when PID 1 has reported the workload's status (it has killed and reaped the
  // rest of the box by then), or when PID 1 itself is gone.
  while (!reaped_ && report_open && !status_seen) {
    std::vector<pollfd> fds{{pidfd_.get(), POLLIN, 0}, {sigfd.get(), POLLIN, 0}, {report_.get(), POLLIN, 0}};
    if (tty_master_) fds.push_back({tty_master_.get(), POLLIN, 0});
    if (tty_master_ && stdin_open) fds.push_back({STDIN_FILENO, POLLIN, 0});
    for (size_t i = 0; i < relays.size(); ++i)
      if (relay_open[i]) fds.push_back({relays[i].fd, POLLIN, 0});
    int timeout_ms = -1;
    if (spec.timeout.count() > 0 && !out.status.timed_out) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) throw Error::from_errno("wait for", "the box", errno, ErrorKind::Environment);
    if (n == 0) {
      // The timeout: PID 1 dies, and the kernel kills every process in its namespace.
      out.status.timed_out = true;
      signal(SIGKILL);
      continue;
    }
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == sigfd.get()) {
        signalfd_siginfo si{};
        while (::read(sigfd.get(), &si, sizeof si) == sizeof si) {
          int sig = static_cast<int>(si.ssi_signo);
          if (sig == SIGWINCH && tty_master_) {
            if (auto ws = terminal_size(STDIN_FILENO)) ::ioctl(tty_master_.get(), TIOCSWINSZ, &*ws);
          } else if (sig != SIGWINCH) {
            signal(sig);
          }
        }
      } else if (tty_master_ && p.fd == tty_master_.get()) {
        relay_terminal_output(false);
      } else if (size_t i = relay_index(relays, relay_open, p.fd); i < relays.size()) {
        relay_open[i] = relay_output(relays[i]);
      } else if (p.fd == STDIN_FILENO) {
        char buf[4096];
        ssize_t r = ::read(STDIN_FILENO, buf, sizeof buf);
        if (r <= 0) stdin_open = false;
        else if (tty_master_ && ::write(tty_master_.get(), buf, static_cast<size_t>(r)) < 0) stdin_open = false;
      } else if (p.fd == report_.get()) {
        char buf[PIPE_BUF];
        ssize_t r = ::read(report_.get(), buf, sizeof buf);
        if (r > 0) {
          records.append(buf, static_cast<size_t>(r));
          status_seen = parse_records(records).wait_status.has_value();
        } else if (r == 0) {
          report_open = false;
        }
      } else if (p.fd == pidfd_.get()) {
        reap(true);
      }
    }
  }
  finished_ = true;
  out.status.duration = std::chrono::steady_clock::now() - started_;
  if (tty_master_) relay_terminal_output(true);
  raw.reset();
  // Every process of the box is gone once PID 1 has reported, so the pipe ends soon;
  // the bound only guards against a caller that kept the write end open.
  for (size_t i = 0; i < relays.size(); ++i) {
    while (relay_open[i]) {
      pollfd p{relays[i].fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) break;
      relay_open[i] = relay_output(relays[i]);
    }
  }

  if (!status_seen) {
    // PID 1 has gone (or is going) without a status: whatever it wrote is all there is.
    reap(true);
    records += read_fd(report_.get(), "the box's report");
  }
  parent_alive_.reset();
  ChildReport report = parse_records(records);
  for (auto& w : report.warnings) reporter.warn(std::move(w));
  out.status.out_of_memory = cgroups_.oom_killed();
  out.protocol_error = report.protocol_error;
  if (out.status.timed_out) {
    out.status.code = kExitTimeout;
  } else if (report.error) {
    out.start_error = report.error;
    out.status.code = report.error->exit_code;
  } else if (report.wait_status) {
    int st = *report.wait_status;
    if (WIFEXITED(st)) {
      out.status.code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
      out.status.signal = WTERMSIG(st);
      out.status.code = 128 + out.status.signal;
    }
  } else {
    // PID 1 itself was killed (by the OOM killer, say) before it could report.
    out.status.signal = SIGKILL;
    out.status.code = 128 + SIGKILL;
  }
  cleanup();
  return out;
}

// Boxes whose PID 1 had reported but not yet finished exiting when their Box went:
// reaped later, without making anyone wait for the kernel to tear namespaces down.
std::vector<UniqueFd>& unreaped() {
  static std::vector<UniqueFd> pending;
  return pending;
}

void reap_finished_boxes() {
  auto& pending = unreaped();
  pending.erase(std::remove_if(pending.begin(), pending.end(),
                               [](const UniqueFd& fd) {
                                 siginfo_t info{};
                                 return ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd.get()), &info,
                                                 WEXITED | WNOHANG) != 0 ||
                                        info.si_pid != 0;
                               }),
                pending.end());
}

void Box::reap(bool block) {
  if (!pidfd_ || reaped_) return;
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info,
               WEXITED | (block ? 0 : WNOHANG)) != 0 ||
      info.si_pid != 0 || block)
    reaped_ = true;
}

void Box::cleanup() {
  if (pidfd_ && !reaped_) {
    if (!finished_) signal(SIGKILL);
    // A box in cgroups must be gone before they can be removed; otherwise PID 1 may
    // finish exiting on its own time.
    reap(!finished_ || !cgroups_.empty());
    if (!reaped_) unreaped().push_back(std::move(pidfd_));
    reaped_ = true;
  }
  reap_finished_boxes();
  bool cgroups_removed = cgroups_.remove();
  if (!dirs_.copy.empty()) {
    // Only the copy fallback leaves anything on disk; the rest was in the box's tmpfs.
    std::error_code ec;
    if (fs::exists(dirs_.copy, ec)) fs::remove_all(dirs_.copy, ec);
    dirs_.copy.clear();
  }
  if (cgroups_removed) lease_.release();
  else lease_.hand_over();
  if (masked_) {
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    masked_ = false;
  }
}

Box::~Box() { cleanup(); }

}  // namespace waybill::box
