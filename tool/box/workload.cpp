// The workload (the box's PID 2), from fork to exec: stdio, limits, identity, working
// directory, and the locks on what it may do next (capabilities, no_new_privs,
// seccomp), in the order each step still has the privilege it needs.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <grp.h>

#include <cerrno>
#include <cstring>

#include "box/capabilities.hpp"
#include "box/channel.hpp"
#include "box/child.hpp"
#include "box/fd_sweep.hpp"
#include "box/credentials.hpp"
#include "box/environment.hpp"
#include "box/mounts.hpp"
#include "box/seccomp.hpp"
#include "util/user_namespace.hpp"
#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::box {

namespace {

// A thrown failure that is not a start failure: the command itself cannot be run.
struct ExecFailure {
  int code;
  std::string message;
};

void reset_signals() {
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void set_up_stdio(const ChildPlan& plan, int tty_slave) {
  if (plan.spec->stdio.tty) {
    if (::ioctl(tty_slave, TIOCSCTTY, 0) != 0) throw Error::from_errno("attach", "the terminal", errno, ErrorKind::Environment);
    for (int fd = 0; fd < 3; ++fd) ::dup2(tty_slave, fd);
    return;
  }
  const Stdio& io = plan.spec->stdio;
  int in = plan.workload_in >= 0 ? plan.workload_in : io.in;
  int out = plan.workload_out >= 0 ? plan.workload_out : io.out;
  for (auto [from, to] : {std::pair{in, 0}, std::pair{out, 1}, std::pair{io.err, 2}})
    if (from >= 0 && ::dup2(from, to) < 0) throw Error::from_errno("set up", "stdio", errno, ErrorKind::Environment);
  if (io.in < 0 && !io.forward_stdin) {
    UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null || ::dup2(null.get(), 0) < 0) throw Error::from_errno("open", "/dev/null", errno, ErrorKind::Environment);
  }
}

void lower_rlimits(const std::vector<Rlimit>& limits) {
  for (const auto& l : limits) {
    rlimit current{};
    ::getrlimit(l.resource, &current);
    if (l.hard > current.rlim_max || l.soft > l.hard)
      throw Error(ErrorKind::Usage,
                  "--ulimit can only lower a limit: resource " + std::to_string(l.resource) + " is at most " +
                      std::to_string(current.rlim_max) + " here",
                  {}, "give a value no higher than `ulimit -H` shows");
    rlimit wanted{l.soft, l.hard};
    if (::setrlimit(l.resource, &wanted) != 0) throw Error::from_errno("set rlimit", std::to_string(l.resource), errno);
  }
}

// /etc/passwd and /etc/group are image content: a FIFO or a huge file must not hang us.
std::string read_account_file(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) return {};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (8 << 20)) return {};
  return read_fd(fd.get(), path);
}

UniqueFd open_workdir(const std::string& cwd) {
  // The kernel's own trees are never a place to work, and /proc holds the magic links
  // (/proc/self/fd/N, /proc/1/cwd) that lead out of the root.
  for (const char* tree : {"/proc", "/sys"}) {
    std::string_view t(tree);
    if (cwd.starts_with(t) && (cwd.size() == t.size() || cwd[t.size()] == '/'))
      throw Error(ErrorKind::Usage, "the working directory `" + cwd + "` does not lie inside the box", {},
                  "working directories under /proc and /sys are refused");
  }
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  BeneathResult r = open_in_root(root.get(), cwd, O_PATH | O_DIRECTORY);
  if (r.fd) return std::move(r.fd);
  if (r.error == BeneathError::Missing) {
    try {
      return open_target(root.get(), cwd, TargetType::Directory, false);
    } catch (Error& e) {
      throw Error(ErrorKind::Usage, "cannot create the working directory `" + cwd + "`: " + e.message());
    }
  }
  if (r.error == BeneathError::Escapes) {
    throw Error(ErrorKind::Usage, "the working directory `" + cwd + "` does not lie inside the box", {},
                "links such as /proc/self/fd/N are refused as working directories");
  }
  throw Error::from_errno("open the working directory", cwd, r.err, ErrorKind::Usage);
}

void become(const Credentials& who) {
  uint64_t caps = capability_mask(default_capabilities());
  drop_bounding_set(caps);
  // EPERM: a rootless box with the single mapping, where setgroups is denied; the
  // process keeps no supplementary group of the user's anyway (the namespace maps none).
  if (::setgroups(who.groups.size(), who.groups.data()) != 0 && !(errno == EPERM && in_user_namespace()))
    throw Error::from_errno("setgroups", "", errno, ErrorKind::Environment);
  if (::setresgid(who.gid, who.gid, who.gid) != 0) throw Error::from_errno("setgid", std::to_string(who.gid), errno, ErrorKind::Environment);
  if (::setresuid(who.uid, who.uid, who.uid) != 0) throw Error::from_errno("setuid", std::to_string(who.uid), errno, ErrorKind::Environment);
  // Changing from uid 0 cleared the permitted set already; root keeps Docker's set.
  if (who.uid == 0) set_capabilities(caps);
}

void enter_workdir(int fd, const std::string& cwd) {
  if (::fchdir(fd) != 0) throw Error::from_errno("chdir", cwd, errno, ErrorKind::Usage);
  // CVE-2024-21626: a working directory outside the root shows as "(unreachable)/...";
  // getcwd fails with ENOENT for it. Refuse anything but an absolute path.
  char buf[4096];
  if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
    throw Error(ErrorKind::Usage, "the working directory `" + cwd + "` does not lie inside the box");
}

[[noreturn]] void exec_command(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string& cmd = argv[0];
  if (cmd.find('/') != std::string::npos) {
    ::execve(cmd.c_str(), args.data(), envp.data());
    int err = errno;
    throw ExecFailure{err == ENOENT || err == ENOTDIR ? kExitNotFound : kExitNotExecutable,
                      "exec " + cmd + ": " + std::strerror(err)};
  }
  bool denied = false;
  std::string search = env_get(env, "PATH").value_or("");
  for (auto dir : split(search, ':')) {
    std::string path = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + cmd;
    // A stat first: a failing execve sets up a whole new address space before it looks.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    ::execve(path.c_str(), args.data(), envp.data());
    if (errno == EACCES) denied = true;
    else if (errno != ENOENT && errno != ENOTDIR) throw ExecFailure{kExitNotExecutable, "exec " + path + ": " + std::strerror(errno)};
  }
  if (denied) throw ExecFailure{kExitNotExecutable, "exec " + cmd + ": permission denied"};
  throw ExecFailure{kExitNotFound, "exec: \"" + cmd + "\": executable file not found in $PATH"};
}

[[noreturn]] void workload(const ChildPlan& plan, int tty_slave) {
  const BoxSpec& spec = *plan.spec;
  reset_signals();
  ::setsid();
  set_up_stdio(plan, tty_slave);
  ::umask(022);
  lower_rlimits(spec.rlimits);
  Credentials who = resolve_user(spec.user, read_account_file("/etc/passwd"), read_account_file("/etc/group"));
  UniqueFd workdir = open_workdir(spec.cwd);
  become(who);
  enter_workdir(workdir.get(), spec.cwd);
  workdir.reset();

  std::vector<std::string> env = plan.env;
  if (!env_get(env, "HOME")) env.push_back("HOME=" + who.home);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw Error::from_errno("set", "no_new_privs", errno, ErrorKind::Environment);
  // Every fd but stdio goes at exec; the channel stays open until then to report failure.
  cloexec_fds_from_3();
  if (!spec.seccomp_bpf.empty()) install_seccomp(spec.seccomp_bpf);
  exec_command(spec.argv, env);
}

}  // namespace

void run_workload(const ChildPlan& plan, int tty_slave) {
  std::optional<ExecFailure> failed;
  auto err = capture_error([&] {
    try {
      workload(plan, tty_slave);
    } catch (const ExecFailure& f) {
      failed = f;
    }
  });
  if (failed) {
    send_record(plan.report_fd, RecordType::Error, failed->code, failed->message);
    ::_exit(failed->code);
  }
  if (err) send_record(plan.report_fd, RecordType::Error, kExitStartFailed, err->message(), err->hint());
  ::_exit(kExitStartFailed);
}

}  // namespace waybill::box
