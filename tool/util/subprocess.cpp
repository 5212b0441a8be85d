#include "util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "util/error.hpp"
#include "util/fs.hpp"

extern char** environ;

namespace waybill {

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    this->~ChildProcess();
    pid_ = o.pid_;
    o.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

int ChildProcess::wait() {
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0) {
    if (errno != EINTR) throw Error::from_errno("waitpid", std::to_string(pid_), errno, ErrorKind::Internal);
  }
  pid_ = -1;
  return st;
}

bool program_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = ::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = end > start ? p.substr(start, end - start) : std::string(".");
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

namespace {

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv;
  }
  for (const auto& kv : extra) {
    size_t eq = kv.find('=');
    env[kv.substr(0, eq)] = kv;
  }
  std::vector<std::string> out;
  for (auto& [k, v] : env) out.push_back(v);
  return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw Error(ErrorKind::Internal, "run_process: empty argv");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::from_errno("pipe", argv[0], errno, ErrorKind::Environment);
  UniqueFd rd(fds[0]), wr(fds[1]);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  std::string input = options.stdin_path.empty() ? std::string("/dev/null") : options.stdin_path.string();
  posix_spawn_file_actions_addopen(&fa, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, wr.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, wr.get(), 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
  // Ours are close-on-exec; this also closes what our own parent leaked to us.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);

  std::vector<std::string> env = merged_environment(options.extra_env);
  std::vector<char*> envp, args;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  // Its own process group, so a timeout kills the tool and everything it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw Error(ErrorKind::Environment, "cannot run `" + argv[0] + "`: " + std::strerror(rc),
                {}, rc == ENOENT ? "install the package that provides `" + argv[0] + "`" : "");
  }
  ChildProcess child(pid);
  wr.reset();

  ProcessResult result;
  auto deadline = options.timeout ? std::chrono::steady_clock::now() + *options.timeout
                                  : std::chrono::steady_clock::time_point::max();
  char buf[65536];
  for (;;) {
    int wait_ms = -1;
    if (options.timeout) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    struct pollfd p {rd.get(), POLLIN, 0};
    int n = ::poll(&p, 1, wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::from_errno("poll", argv[0], errno, ErrorKind::Internal);
    }
    if (n == 0) continue;
    ssize_t got = ::read(rd.get(), buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (got == 0) break;
    result.output.append(buf, static_cast<size_t>(got));
  }
  if (result.timed_out) ::kill(-child.pid(), SIGKILL);
  int st = child.wait();
  if (WIFEXITED(st)) result.exit_code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) result.signal = WTERMSIG(st);
  return result;
}

}  // namespace waybill
