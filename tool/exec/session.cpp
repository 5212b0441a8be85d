#include "exec/session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

constexpr auto kInterruptGrace = std::chrono::seconds(3);
constexpr size_t kLogTail = 8192;  // what is kept of the driver's own stderr

// Writes a request; false when the session's end of the pipe is gone. SIGPIPE is
// blocked meanwhile (and a pending one taken), so that a dead box does not kill waybill.
bool write_request(int fd, const std::string& data) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  bool ok = true;
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      if (errno == EPIPE) {
        timespec none{};
        ::sigtimedwait(&pipe_signal, nullptr, &none);
      }
      break;
    }
    off += static_cast<size_t>(n);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

}  // namespace

Session Session::start(box::BoxSpec spec, Reporter& reporter, Protocol protocol, uint64_t max_reply) {
  Session s;
  s.protocol_ = protocol;
  s.max_reply_ = max_reply;
  s.reporter_ = &reporter;
  auto [in_read, in_write] = make_pipe();
  auto [out_read, out_write] = make_pipe();
  auto [err_read, err_write] = make_pipe();
  spec.stdio.in = in_read.get();
  spec.stdio.out = out_write.get();
  spec.stdio.err = err_write.get();
  // The box's PID 1 holds the channel, so the cell's code cannot write to it.
  spec.stdio.framed = true;
  spec.stdio.max_frame = max_reply;
  s.box_ = std::make_unique<box::Box>(box::Box::start(std::move(spec), reporter));
  // Only the box holds its ends now: the driver's exit shows as end of file.
  in_read.reset();
  out_write.reset();
  err_write.reset();
  s.to_driver_ = std::move(in_write);
  s.from_driver_ = std::move(out_read);
  s.driver_log_ = std::move(err_read);
  ::fcntl(s.driver_log_.get(), F_SETFL, O_NONBLOCK);
  return s;
}

Session::Session(Session&& o) noexcept
    : reporter_(o.reporter_), box_(std::move(o.box_)), to_driver_(std::move(o.to_driver_)), from_driver_(std::move(o.from_driver_)),
      driver_log_(std::move(o.driver_log_)), log_tail_(std::move(o.log_tail_)), buffer_(std::move(o.buffer_)), protocol_(o.protocol_), max_reply_(o.max_reply_),
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
  if (end.protocol_error) return " (" + *end.protocol_error + "; its box was stopped)";
  if (end.status.out_of_memory) return " (it ran out of memory: see the manifest's limits.memory)";
  if (end.status.signal) return std::string(" (its driver was killed by ") + sigabbrev_np(end.status.signal) + ")";
  if (end.start_error) return " (" + end.start_error->message + ")";
  if (end.status.code != 0) return " (its driver exited with status " + std::to_string(end.status.code) + ")";
  return "";
}

void Session::died(const std::string& why) {
  alive_ = false;
  std::string reason = end_reason();
  read_log();
  std::string log = to_valid_utf8(log_tail_);
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  throw Error(ErrorKind::Cell, "the session " + why + reason + (log.empty() ? "" : "; it printed:\n" + log), {},
              "later cells of this language and image cannot run; fix the cause and render again");
}

void Session::read_log() {
  // Only the end is kept: a driver that prints without end costs the host nothing.
  char buf[1 << 14];
  for (ssize_t n; driver_log_ && (n = ::read(driver_log_.get(), buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno != EINTR) break;
      continue;
    }
    log_tail_.append(buf, static_cast<size_t>(n));
    if (log_tail_.size() > kLogTail) log_tail_.erase(0, log_tail_.size() - kLogTail);
  }
}

std::optional<nlohmann::json> Session::read_reply(std::chrono::steady_clock::time_point deadline) {
  // The box blocked these signals in this process until it ends; a signalfd still sees
  // them, so that Ctrl-C stops a render between two reads.
  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  UniqueFd signals(::signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK));
  for (;;) {
    try {
      if (auto frame = take_reply_frame(buffer_, max_reply_)) return decode_reply(protocol_, *frame, pending_);
    } catch (const ProtocolViolation& v) {
      died(v.why);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p[3] = {{from_driver_.get(), POLLIN, 0}, {driver_log_.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
    int n = ::poll(p, signals ? 3 : 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return std::nullopt;
    if (p[1].revents & (POLLIN | POLLHUP)) read_log();
    if (signals && (p[2].revents & POLLIN)) {
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
  std::string body = header + outdir + code;
  return std::to_string(body.size()) + "\n" + body;
}

nlohmann::json Session::request(const nlohmann::json& message, std::chrono::milliseconds timeout) {
  if (!alive_) died("is not running");
  pollfd early{from_driver_.get(), POLLIN, 0};
  if (!buffer_.empty() || (::poll(&early, 1, 0) > 0 && (early.revents & POLLIN)))
    died("wrote to its reply channel before it was asked");
  timed_out_ = false;
  pending_ = message;
  if (!write_request(to_driver_.get(), encode(message))) died("stopped taking requests");
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
