#include "util/outside_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill {

namespace {

using nlohmann::json;
constexpr const char* kRunnerVariable = "WAYBILL_OUTSIDE_RUNNER";
constexpr uint64_t kMaxFrame = 64u << 20;  // scontrol on a 10,000-task array prints a few MB

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool send_frame(int fd, const std::string& text) {
  uint64_t size = text.size();
  return write_all(fd, &size, sizeof size) && write_all(fd, text.data(), text.size());
}

std::optional<std::string> receive_frame(int fd) {
  uint64_t size = 0;
  if (!read_all(fd, &size, sizeof size) || size > kMaxFrame) return std::nullopt;
  std::string text(size, '\0');
  if (!read_all(fd, text.data(), size)) return std::nullopt;
  return text;
}

bool allowed(const std::vector<std::string>& argv) {
  return !argv.empty() && std::find_if(std::begin(kOutsideCommands), std::end(kOutsideCommands),
                                       [&](const char* c) { return argv[0] == c; }) != std::end(kOutsideCommands);
}

// The runner: one request at a time, until waybill closes its end or dies.
[[noreturn]] void serve(int fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::signal(SIGINT, SIG_IGN);  // Ctrl-C is for waybill, which then closes the socket
  for (;;) {
    auto request = receive_frame(fd);
    if (!request) ::_exit(0);
    json reply;
    try {
      json r = json::parse(*request);
      auto argv = r.at("argv").get<std::vector<std::string>>();
      if (!allowed(argv)) throw Error(ErrorKind::Internal, "the outside runner does not run `" + (argv.empty() ? "" : argv[0]) + "`");
      ProcessResult p = run_process(argv);
      reply = {{"exit_code", p.exit_code}, {"signal", p.signal}, {"output", p.output}};
    } catch (const Error& e) {
      reply = {{"error", e.message()}, {"hint", e.hint()}};
    } catch (const std::exception& e) {
      reply = {{"error", std::string("a broken request: ") + e.what()}};
    }
    if (!send_frame(fd, reply.dump(-1, ' ', false, json::error_handler_t::replace))) ::_exit(0);
  }
}

int runner_fd() {
  const char* text = std::getenv(kRunnerVariable);
  if (!text || !*text) return -1;
  char* end = nullptr;
  long fd = std::strtol(text, &end, 10);
  return *end == '\0' && fd > 2 && fd < 1 << 20 ? static_cast<int>(fd) : -1;
}

}  // namespace

void start_outside_runner() {
  if (::geteuid() == 0 || runner_fd() >= 0) return;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw Error::from_errno("create", "the outside runner's socket", errno, ErrorKind::Environment);
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw Error::from_errno("fork", "the outside runner", errno, ErrorKind::Environment);
  if (pid == 0) {
    ours.reset();
    int fd = theirs.release();
    if (fd != 3) {
      ::dup3(fd, 3, O_CLOEXEC);
      ::close(fd);
    }
    ::close_range(4, ~0U, 0);
    serve(3);
  }
  ::setenv(kRunnerVariable, std::to_string(ours.release()).c_str(), 1);
}

ProcessResult run_outside(const std::vector<std::string>& argv) {
  int fd = runner_fd();
  if (fd < 0) return run_process(argv);
  if (!send_frame(fd, json{{"argv", argv}}.dump()))
    throw Error::from_errno("ask", "the outside runner", errno, ErrorKind::Environment);
  auto text = receive_frame(fd);
  if (!text) throw Error(ErrorKind::Environment, "the outside runner ended without replying to `" + argv[0] + "`");
  json reply = json::parse(*text, nullptr, false);
  if (!reply.is_object()) throw Error(ErrorKind::Internal, "the outside runner's reply is not JSON");
  if (reply.contains("error"))
    throw Error(ErrorKind::Environment, reply.value("error", std::string()), {}, reply.value("hint", std::string()));
  ProcessResult r;
  r.exit_code = reply.value("exit_code", -1);
  r.signal = reply.value("signal", 0);
  r.output = reply.value("output", std::string());
  return r;
}

}  // namespace waybill
