#include "util/user_namespace.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/id_map.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace waybill {

namespace {

namespace fs = std::filesystem;

std::string file_or_empty(const char* path) { return read_file_if_exists(path).value_or(""); }

std::string user_name(uid_t uid) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return pw.pw_name;
  return std::to_string(uid);
}

void write_own_map_file(const char* name, const std::string& text) {
  std::string path = std::string("/proc/self/") + name;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw Error::from_errno("write", path, errno, ErrorKind::Environment);
}

Error refused(int err) {
  Error e = Error::from_errno("enter a user namespace", "unshare", err, ErrorKind::Environment);
  e.with_hint("an ordinary user's waybill needs unprivileged user namespaces (user.max_user_namespaces, or an "
              "AppArmor or seccomp policy may refuse them); allow them, or run waybill as root");
  return e;
}

// Runs newuidmap or newgidmap for `pid`; an Error names what refused and why.
void run_map_helper(const char* helper, pid_t pid, const std::vector<IdMapping>& map, const char* file) {
  if (!program_exists(helper))
    throw Error(ErrorKind::Environment, std::string(helper) + " is not installed: waybill run by an ordinary user needs it",
                {}, "install it as root: apt-get install uidmap");
  std::vector<std::string> argv{helper, std::to_string(pid)};
  for (auto& a : id_map_arguments(map)) argv.push_back(std::move(a));
  ProcessResult r = run_process(argv);
  if (!r.ok())
    throw Error(ErrorKind::Environment,
                std::string(helper) + " refused the user namespace's map: " + std::string(trim(printable(r.output, 300))),
                {},
                std::string("check the line for ") + user_name(::geteuid()) + " in " + file +
                    " (its range must not overlap another user's), and that " + helper + " is setuid root");
}

// The child that stays outside: waits until the parent has unshared, writes its maps,
// and sends back an error's message and hint (NUL between) when it could not.
[[noreturn]] void map_writer(pid_t parent, const UserNamespaceMap& map, int go_fd, int error_fd) {
  char go = 0;
  ssize_t n;
  do n = ::read(go_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(1);  // the parent could not unshare; it says why
  try {
    run_map_helper("newuidmap", parent, map.uid_map, "/etc/subuid");
    run_map_helper("newgidmap", parent, map.gid_map, "/etc/subgid");
    ::_exit(0);
  } catch (const Error& e) {
    std::string text = e.message() + '\0' + e.hint();
    (void)!::write(error_fd, text.data(), text.size());
  } catch (...) {
  }
  ::_exit(2);
}

void enter_with_helpers(const UserNamespaceMap& map) {
  auto [go_r, go_w] = make_pipe();
  auto [err_r, err_w] = make_pipe();
  pid_t parent = ::getpid();
  pid_t helper = ::fork();
  if (helper < 0) throw Error::from_errno("fork", "the id map writer", errno, ErrorKind::Environment);
  if (helper == 0) map_writer(parent, map, go_r.get(), err_w.get());
  go_r.reset();
  err_w.reset();
  int unshare_error = ::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : errno;
  if (unshare_error == 0 && ::write(go_w.get(), "1", 1) != 1) unshare_error = errno;
  go_w.reset();  // on failure, the helper reads EOF and ends
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::read(err_r.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(helper, &status, 0) < 0 && errno == EINTR) {
  }
  if (unshare_error != 0) throw refused(unshare_error);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    size_t nul = reply.find('\0');
    if (reply.empty()) throw Error(ErrorKind::Environment, "the user namespace's id maps could not be written");
    throw Error(ErrorKind::Environment, reply.substr(0, nul), {},
                nul == std::string::npos ? std::string() : reply.substr(nul + 1));
  }
}

// ---- The holder: the user namespace kept for the next waybill ------------------------
//
// Writing the maps costs a fork and two setuid helpers, more than a box's start. So the
// first waybill leaves a small process in the namespace (as rootless podman leaves its
// pause process), and later ones join it with setns. Each still gets a mount namespace
// of its own, so mounts never outlive their waybill.

fs::path holder_pid_file() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  fs::path dir = runtime && *runtime ? fs::path(runtime) : home_directory() / ".cache";
  return dir / "waybill-userns.pid";
}

std::string map_text(const std::vector<IdMapping>& map) {
  std::string out;
  for (const auto& m : map)
    out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
  return out;
}

std::string read_at(int dirfd, const char* name) {
  UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC));
  std::string out;
  char buf[4096];
  for (ssize_t n; fd && (n = ::read(fd.get(), buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Joins the holder's user namespace when the pid file names a live holder of this user
// with these maps (every check through one /proc/PID fd, so a reused pid cannot pass).
bool join_holder(const UserNamespaceMap& map) {
  auto text = read_file_if_exists(holder_pid_file());
  if (!text) return false;
  std::string pid(trim(*text));
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return false;
  UniqueFd proc(::open(("/proc/" + pid).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat st {};
  if (!proc || ::fstat(proc.get(), &st) != 0 || st.st_uid != ::geteuid()) return false;
  if (trim(read_at(proc.get(), "comm")) != kUserNamespaceHolder) return false;
  if (map_text(parse_id_map(read_at(proc.get(), "uid_map"))) != map_text(map.uid_map) ||
      map_text(parse_id_map(read_at(proc.get(), "gid_map"))) != map_text(map.gid_map))
    return false;
  UniqueFd ns(::openat(proc.get(), "ns/user", O_RDONLY | O_CLOEXEC));
  if (!ns || ::setns(ns.get(), CLONE_NEWUSER) != 0) return false;
  if (::unshare(CLONE_NEWNS) != 0) throw refused(errno);
  return true;
}

// Leaves a holder in the namespace just entered and records its pid: detached from the
// terminal and every fd (a caller reading waybill's output must see its end), not a child
// of waybill, in a mount namespace of its own, asleep until killed. Best effort: without
// it the next waybill enters afresh.
void start_holder() {
  auto [r, w] = make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) return;
  if (pid == 0) {
    ::setsid();
    pid_t holder = ::fork();
    if (holder != 0) {
      (void)!::write(w.get(), &holder, sizeof holder);
      ::_exit(0);
    }
    ::unshare(CLONE_NEWNS);
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    ::close_range(3, ~0U, 0);
    (void)!::chdir("/");
    ::prctl(PR_SET_NAME, kUserNamespaceHolder);
    ::signal(SIGTERM, SIG_DFL);  // whatever the shell that started waybill ignored
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGTERM);
    sigdelset(&all, SIGKILL);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    for (;;) ::pause();
  }
  w.reset();
  pid_t holder = -1;
  ssize_t n = ::read(r.get(), &holder, sizeof holder);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != sizeof holder || holder <= 0) return;
  try {
    fs::path file = holder_pid_file();
    make_dirs(file.parent_path());
    write_file_atomic(file, std::to_string(holder) + "\n", 0600);
  } catch (const Error&) {
    ::kill(holder, SIGTERM);  // nobody could find it
  }
}

void enter_single(uid_t uid, gid_t gid) {
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) throw refused(errno);
  // The kernel lets a process map its own ids without a helper, once setgroups is denied.
  write_own_map_file("setgroups", "deny");
  write_own_map_file("uid_map", "0 " + std::to_string(uid) + " 1\n");
  write_own_map_file("gid_map", "0 " + std::to_string(gid) + " 1\n");
}

// -1 until read; enter_user_namespace resets it. Asked once per layer, mount and box.
int in_user_namespace_cached = -1;

}  // namespace

bool in_user_namespace() {
  if (in_user_namespace_cached < 0) {
    std::vector<IdMapping> map = parse_id_map(file_or_empty("/proc/self/uid_map"));
    in_user_namespace_cached =
        !(map.size() == 1 && map[0].container_id == 0 && map[0].host_id == 0 && map[0].size == 4294967295u);
  }
  return in_user_namespace_cached == 1;
}

bool id_mapped_here(IdKind kind, uint32_t id) {
  std::string text = file_or_empty(kind == IdKind::User ? "/proc/self/uid_map" : "/proc/self/gid_map");
  return text.empty() || host_id_of(parse_id_map(text), id).has_value();
}

void enter_user_namespace(Reporter& reporter) {
  if (::geteuid() == 0) return;
  std::string refusal = user_namespace_refusal(file_or_empty("/proc/sys/user/max_user_namespaces"),
                                               file_or_empty("/proc/sys/kernel/unprivileged_userns_clone"),
                                               file_or_empty("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"));
  if (!refusal.empty())
    throw Error(ErrorKind::Environment, "waybill run by an ordinary user needs a user namespace, and " + refusal, {},
                "or run waybill as root");
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  std::string name = user_name(uid);
  UserNamespaceMap map = rootless_map(uid, gid, subordinate_ranges(file_or_empty("/etc/subuid"), name, uid),
                                      subordinate_ranges(file_or_empty("/etc/subgid"), name, gid));
  if (map.single) {
    enter_single(uid, gid);
    reporter.warn(name + " has no subordinate ids (/etc/subuid, /etc/subgid): only root is mapped, so files of other "
                         "users in an image belong to root, and changing a file's owner fails",
                  {}, "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + name);
  } else if (!join_holder(map)) {
    enter_with_helpers(map);
    start_holder();
  }
  in_user_namespace_cached = -1;
  // Mounts made from here on (overlays of builds, boxes' roots) stay in this namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    throw Error::from_errno("make the mounts private", "/", errno, ErrorKind::Environment);
}

}  // namespace waybill
