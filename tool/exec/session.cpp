#include "exec/session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::exec {

namespace {

constexpr auto kInterruptGrace = std::chrono::seconds(3);

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::from_errno("create", "a pipe", errno, ErrorKind::Environment);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void write_all(int fd, const std::string& data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error::from_errno("send a cell to", "the session", errno, ErrorKind::Cell);
    off += static_cast<size_t>(n);
  }
}

}  // namespace

Session Session::start(box::BoxSpec spec, Reporter& reporter, Protocol protocol) {
  Session s;
  s.protocol_ = protocol;
  s.reporter_ = &reporter;
  auto [in_read, in_write] = make_pipe();
  auto [out_read, out_write] = make_pipe();
  s.scratch_ = std::make_unique<TempDir>("session-", spec.state_dir);
  UniqueFd err(::open((s.scratch_->path() / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!err) throw Error::from_errno("create", "the session's error log", errno, ErrorKind::Io);
  spec.stdio.in = in_read.get();
  spec.stdio.out = out_write.get();
  spec.stdio.err = err.get();
  s.box_ = std::make_unique<box::Box>(box::Box::start(std::move(spec), reporter));
  // Only the box holds its ends now: the driver's exit shows as end of file.
  in_read.reset();
  out_write.reset();
  s.to_driver_ = std::move(in_write);
  s.from_driver_ = std::move(out_read);
  return s;
}

Session::Session(Session&& o) noexcept
    : reporter_(o.reporter_), box_(std::move(o.box_)), to_driver_(std::move(o.to_driver_)), from_driver_(std::move(o.from_driver_)),
      scratch_(std::move(o.scratch_)), buffer_(std::move(o.buffer_)), protocol_(o.protocol_),
      pending_(std::move(o.pending_)), alive_(o.alive_), timed_out_(o.timed_out_),
      closed_(o.closed_) {
  o.closed_ = true;
}

Session::~Session() {
  if (!closed_ && box_) {
    box_->signal(SIGKILL);
    to_driver_.reset();
  }
}

std::string Session::end_reason() {
  if (!box_ || closed_ || !reporter_) return "";
  closed_ = true;
  to_driver_.reset();
  box::BoxOutcome end = box_->wait(*reporter_);
  if (end.status.out_of_memory) return " (it ran out of memory: see the manifest's limits.memory)";
  if (end.status.signal) return std::string(" (its driver was killed by ") + sigabbrev_np(end.status.signal) + ")";
  if (end.start_error) return " (" + end.start_error->message + ")";
  if (end.status.code != 0) return " (its driver exited with status " + std::to_string(end.status.code) + ")";
  return "";
}

void Session::died(const std::string& why) {
  alive_ = false;
  std::string reason = end_reason();
  std::string log = scratch_ ? read_file_if_exists(scratch_->path() / "stderr").value_or("") : "";
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  throw Error(ErrorKind::Cell, "the session " + why + reason + (log.empty() ? "" : "; it printed:\n" + log), {},
              "later cells of this language and image cannot run; fix the cause and render again");
}

std::optional<nlohmann::json> Session::take_json_reply() {
  auto nl = buffer_.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  size_t length = std::strtoul(buffer_.c_str(), nullptr, 10);
  if (buffer_.size() < nl + 1 + length) return std::nullopt;
  auto reply = nlohmann::json::parse(buffer_.substr(nl + 1, length), nullptr, false);
  buffer_.erase(0, nl + 1 + length);
  if (reply.is_discarded()) died("sent a reply waybill cannot read");
  return reply;
}

std::optional<nlohmann::json> Session::take_shell_reply() {
  auto nl = buffer_.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  long status = 0;
  unsigned long out = 0, err = 0;
  if (std::sscanf(buffer_.c_str(), "%ld %lu %lu", &status, &out, &err) != 3) died("sent a reply waybill cannot read");
  if (buffer_.size() < nl + 1 + out + err) return std::nullopt;
  nlohmann::json outputs = nlohmann::json::array();
  if (out) outputs.push_back({{"type", "stream"}, {"name", "stdout"}, {"text", buffer_.substr(nl + 1, out)}});
  if (err) outputs.push_back({{"type", "stream"}, {"name", "stderr"}, {"text", buffer_.substr(nl + 1 + out, err)}});
  nlohmann::json error;
  if (status != 0)
    error = {{"ename", "exit status"}, {"evalue", std::to_string(status)}, {"traceback", ""},
             {"line", pending_.value("first_line", 0)}};
  buffer_.erase(0, nl + 1 + out + err);
  return nlohmann::json{{"id", pending_.value("id", 0)}, {"outputs", outputs}, {"error", error}};
}

std::optional<nlohmann::json> Session::read_reply(std::chrono::steady_clock::time_point deadline) {
  // The box blocked these signals in this process until it ends; a signalfd still sees
  // them, so that Ctrl-C stops a render between two reads.
  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  UniqueFd signals(::signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK));
  for (;;) {
    if (auto reply = protocol_ == Protocol::Shell ? take_shell_reply() : take_json_reply()) return reply;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p[2] = {{from_driver_.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
    int n = ::poll(p, signals ? 2 : 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return std::nullopt;
    if (signals && (p[1].revents & POLLIN)) {
      signalfd_siginfo si{};
      if (::read(signals.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        alive_ = false;
        box_->signal(SIGKILL);
        throw Error(ErrorKind::Cell, std::string("interrupted (") + sigabbrev_np(static_cast<int>(si.ssi_signo)) + ")",
                    {}, "the session's box was stopped; finished cells are cached, and nothing was written");
      }
    }
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[1 << 16];
    ssize_t got = ::read(from_driver_.get(), buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) died("ended");
    buffer_.append(buf, static_cast<size_t>(got));
  }
}

std::string Session::encode(const nlohmann::json& m) const {
  if (protocol_ == Protocol::Json) {
    std::string body = m.dump();
    return std::to_string(body.size()) + "\n" + body;
  }
  bool is_inline = m.contains("expr");
  std::string code = m.value(is_inline ? "expr" : "code", "");
  std::string outdir = m.value("outdir", "");
  if (protocol_ == Protocol::Shell) {
    // The output directory's variable, on the code's first line so that line numbers
    // stay the cell's.
    if (!outdir.empty()) code = "export WAYBILL_OUTPUT_DIR='" + outdir + "'; " + code;
    return std::to_string(code.size()) + "\n" + code;
  }
  auto number = [&](const char* key) {
    auto it = m.find(key);
    return it != m.end() && it->is_number() ? it->dump() : std::string("0");
  };
  std::string header = number("id") + " " + (is_inline ? "inline" : "cell") + " " + number("first_line") + " " +
                       m.value("fig_format", "png") + " " + number("fig_width") + " " + number("fig_height") + " " +
                       (m.value("warning", true) ? "1" : "0") + " " + (m.value("message", true) ? "1" : "0") + " " +
                       std::to_string(outdir.size()) + " " + std::to_string(code.size()) + "\n";
  return header + outdir + code;
}

nlohmann::json Session::request(const nlohmann::json& message, std::chrono::milliseconds timeout) {
  if (!alive_) died("is not running");
  timed_out_ = false;
  pending_ = message;
  write_all(to_driver_.get(), encode(message));
  auto far = std::chrono::steady_clock::now() + std::chrono::hours(24 * 365);
  auto deadline = timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout : far;
  if (auto reply = read_reply(deadline)) return *reply;
  // The cell ran out of time: interrupt it as a notebook would, and give it a moment.
  timed_out_ = true;
  box_->signal(SIGINT);
  if (auto reply = read_reply(std::chrono::steady_clock::now() + kInterruptGrace)) return *reply;
  box_->signal(SIGKILL);
  died("did not answer after its cell was interrupted, and was stopped");
}

box::BoxOutcome Session::close(Reporter& reporter) {
  closed_ = true;
  to_driver_.reset();
  return box_->wait(reporter);
}

}  // namespace waybill::exec
