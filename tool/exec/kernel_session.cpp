#include "exec/kernel_session.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <thread>

#include "box/box.hpp"
#include "exec/cell_result.hpp"
#include "exec/jupyter_wire.hpp"
#include "exec/kernel_outputs.hpp"
#include "exec/kernelspec.hpp"
#include "exec/nbformat_outputs.hpp"
#include "exec/zmq_library.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::exec {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kInterruptGrace = std::chrono::seconds(3);
constexpr auto kIdleGrace = std::chrono::seconds(2);  // iopub's idle after the shell's reply
constexpr size_t kLogTail = 8192;
constexpr size_t kMaxFrames = 64;  // of one message: identities, the six parts, buffers
constexpr const char* kKernelDir = "/waybill/kernel";

// The box's kernelspec: a short box of the same image runs the lookup, so the image's
// own file system (layers, whiteouts, links) answers.
Kernelspec find_kernelspec(const SessionBoxInput& in, Reporter& reporter) {
  Driver lookup = in.driver;
  lookup.argv = {"sh", "-c", kernelspec_lookup_script(), "sh", in.driver.kernel};
  SessionBoxInput probe{in.store, in.image_digest, lookup, in.manifest, in.limits, in.data, in.doc_dir, in.doc_path, in.dirs};
  box::BoxSpec spec = session_box_spec(probe, reporter);
  spec.timeout = std::chrono::seconds(30);
  auto [out_read, out_write] = make_pipe();
  auto [err_read, err_write] = make_pipe();
  spec.stdio.out = out_write.get();
  spec.stdio.err = err_write.get();
  box::Box b = box::Box::start(std::move(spec), reporter);
  out_write.reset();
  err_write.reset();
  std::string out, err;
  auto bounded = [](std::string& text) {
    return [&text](std::string_view chunk) {
      if (text.size() + chunk.size() > (128u << 10)) return false;
      text.append(chunk);
      return true;
    };
  };
  box::BoxOutcome end = b.wait(reporter, {{out_read.get(), bounded(out)}, {err_read.get(), bounded(err)}});
  const std::string& name = in.driver.kernel;
  if (end.status.code == 3)
    throw Error(ErrorKind::Document, "the image has no Jupyter kernel `" + name + "`", {},
                "install one in the image's Dockerfile (python3-ipykernel gives `python3`, r-cran-irkernel gives `ir`), "
                "or name one it has with kernel: NAME (`jupyter kernelspec list` in the image lists them)");
  if (end.start_error || end.status.code != 0)
    throw Error(ErrorKind::Document,
                "could not look for the Jupyter kernel `" + name + "` in the image" +
                    (end.start_error ? ": " + end.start_error->message : " (status " + std::to_string(end.status.code) + ")") +
                    (err.empty() ? "" : ": " + printable(err, 300)),
                {}, "the lookup runs `sh` in the image, as Jupyter's kernel folders are searched");
  return parse_kernelspec(name, out, std::string(kKernelDir) + "/connection.json");
}

// Five ports free on this machine's loopback. The kernel binds them inside the box's own
// network namespace, where they are free anyway; with network: host they must be free here.
std::vector<int> free_ports(size_t n) {
  std::vector<UniqueFd> held;
  std::vector<int> ports;
  for (size_t i = 0; i < n; ++i) {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    if (!s || ::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &size) != 0)
      throw Error::from_errno("choose a port for", "a Jupyter kernel", errno, ErrorKind::Environment);
    ports.push_back(ntohs(a.sin_port));
    held.push_back(std::move(s));
  }
  return ports;
}

bool spec_network_none(const SessionBoxInput& in) { return in.manifest.network != plan::NetworkSetting::Host; }

// One running kernel: its box, its output, and the sockets to it. The sockets go before
// the context, the context before the box.
struct Kernel {
  std::unique_ptr<box::Box> box;
  UniqueFd log;  // the kernel's stdout and stderr
  std::optional<ZmqContext> context;
  std::optional<ZmqSocket> shell, control, iopub;

  ~Kernel() {
    shell.reset();
    control.reset();
    iopub.reset();
    context.reset();
  }
};

class KernelSession : public LiveSession {
 public:
  KernelSession(const SessionBoxInput& in, uint64_t max_reply, Reporter& reporter)
      : driver_(in.driver),
        input_{in.store, in.image_digest, driver_, in.manifest, in.limits, in.data, in.doc_dir, in.doc_path, in.dirs},
        reporter_(reporter),
        max_reply_(max_reply),
        signer_(random_hex(32)),
        session_id_(random_hex(16)) {
    spec_ = find_kernelspec(input_, reporter_);
    kernel_dir_ = in.dirs.driver.parent_path() / "kernel";
    make_dirs(kernel_dir_);
    launch();
  }

  ~KernelSession() override {
    if (kernel_ && kernel_->box) kernel_->box->signal(SIGKILL);
  }

  json request(const json& message, std::chrono::milliseconds timeout) override;
  bool timed_out() const override { return timed_out_; }
  std::vector<std::string> unenforced_limits() const override {
    return kernel_ && kernel_->box ? kernel_->box->unenforced_limits() : std::vector<std::string>{};
  }
  void close(Reporter& reporter) override;

 private:
  enum class Event { Shell, Iopub, Timeout, Died };

  void launch();
  void wait_until_ready();
  Event next(Clock::time_point deadline, KernelMessage& message);
  std::optional<KernelMessage> receive(ZmqSocket& socket);
  void send(ZmqSocket& socket, const std::string& type, const std::string& id, const json& content);
  void read_log();
  std::string stop_kernel();
  json restart_after_death(const json& request, const std::string& why);
  std::optional<nlohmann::json> execute(const nlohmann::json& content, std::chrono::milliseconds timeout,
                                        const nlohmann::json& message, KernelOutputLog& outputs, nlohmann::json& dead);
  std::optional<nlohmann::json> evaluate(const nlohmann::json& message, std::chrono::milliseconds timeout,
                                         KernelOutputLog& outputs, nlohmann::json& dead);
  [[noreturn]] void fail(const std::string& why);

  Driver driver_;
  SessionBoxInput input_;
  Reporter& reporter_;
  uint64_t max_reply_;
  MessageSigner signer_;
  std::string session_id_;
  Kernelspec spec_;
  std::filesystem::path kernel_dir_;
  std::unique_ptr<Kernel> kernel_;
  std::string log_tail_;
  bool timed_out_ = false;
  bool user_expressions_ = true;  // until the kernel answers one with nothing
};

void KernelSession::launch() {
  std::vector<int> ports = free_ports(5);
  write_file_atomic(kernel_dir_ / "connection.json", connection_file("127.0.0.1", ports, signer_.key(), spec_.name).dump(1));
  Driver started = driver_;
  started.argv = spec_.argv;
  started.env.insert(started.env.end(), spec_.env.begin(), spec_.env.end());
  SessionBoxInput in{input_.store, input_.image_digest, started, input_.manifest, input_.limits, input_.data,
                     input_.doc_dir, input_.doc_path, input_.dirs};
  box::BoxSpec spec = session_box_spec(in, reporter_);
  spec.mounts.push_back(box::BindMount{kernel_dir_, kKernelDir, false});
  spec.share_network = true;
  auto [log_read, log_write] = make_pipe();
  spec.stdio.out = log_write.get();
  spec.stdio.err = log_write.get();
  auto kernel = std::make_unique<Kernel>();
  kernel->box = std::make_unique<box::Box>(box::Box::start(std::move(spec), reporter_));
  log_write.reset();
  kernel->log = std::move(log_read);
  ::fcntl(kernel->log.get(), F_SETFL, O_NONBLOCK);
  if (kernel->box->network() < 0 && spec_network_none(input_))
    throw Error(ErrorKind::Environment, "the kernel's box did not hand over its network namespace");
  // The sockets are made by a thread that joins the box's network namespace and ends
  // there (an ordinary user's waybill could not come back to the host's); ZeroMQ's I/O
  // thread, started by it, stays in the box's namespace, and nothing listens on the host.
  std::exception_ptr failed;
  std::thread opener([&] {
    try {
      if (kernel->box->network() >= 0 && ::setns(kernel->box->network(), CLONE_NEWNET) != 0)
        throw Error::from_errno("join the network namespace of", "the kernel's box", errno, ErrorKind::Environment);
      kernel->context.emplace();
      // A kernel runs the cells' code: one frame over the cell's whole allowance ends it.
      auto endpoint = [](int port) { return "tcp://127.0.0.1:" + std::to_string(port); };
      auto max = static_cast<int64_t>(max_reply_);
      kernel->shell.emplace(*kernel->context, ZMQ_DEALER, max, endpoint(ports[0]));
      kernel->iopub.emplace(*kernel->context, ZMQ_SUB, max, endpoint(ports[1]));
      kernel->control.emplace(*kernel->context, ZMQ_DEALER, max, endpoint(ports[3]));
    } catch (...) {
      failed = std::current_exception();
    }
  });
  opener.join();
  if (failed) std::rethrow_exception(failed);
  kernel_ = std::move(kernel);
  log_tail_.clear();
  wait_until_ready();
  // What it printed while starting (banners, debugger notes) says nothing about a cell.
  read_log();
  log_tail_.clear();
}

// Jupyter's kernel_info handshake, repeated until iopub delivers too: a SUB socket
// misses what is published before its subscription reaches the kernel.
void KernelSession::wait_until_ready() {
  auto deadline = Clock::now() + kStartTimeout;
  bool replied = false, published = false;
  while (!(replied && published)) {
    std::string id = random_hex(16);
    send(*kernel_->shell, "kernel_info_request", id, json::object());
    auto retry = std::min(deadline, Clock::now() + std::chrono::milliseconds(replied ? 20 : 500));
    KernelMessage m;
    for (Event e; !(replied && published) && (e = next(retry, m)) != Event::Timeout;) {
      if (e == Event::Died) fail("ended before it was ready");
      if (e == Event::Shell && m.type() == "kernel_info_reply") replied = true;
      if (e == Event::Iopub) published = true;
    }
    if (Clock::now() >= deadline) fail("was not ready after " + std::to_string(kStartTimeout.count()) + " s");
  }
}

void KernelSession::send(ZmqSocket& socket, const std::string& type, const std::string& id, const json& content) {
  auto frames = encode_message(signer_, session_id_, type, id, content);
  for (size_t i = 0; i < frames.size(); ++i) socket.send(frames[i], i + 1 < frames.size());
}

std::optional<KernelMessage> KernelSession::receive(ZmqSocket& socket) {
  std::vector<std::string> frames;
  uint64_t bytes = 0;
  for (bool more = true; more;) {
    std::optional<std::string> part = socket.receive(!frames.empty(), more);
    if (!part) return std::nullopt;
    bytes += part->size();
    if (frames.size() >= kMaxFrames || bytes > max_reply_) {
      // The rest of the message is read and dropped before the session ends.
      while (more && socket.receive(true, more)) {
      }
      fail(frames.size() >= kMaxFrames ? "sent a message of too many parts"
                                       : "sent a message larger than its cell may put out (limits.cell-output)");
    }
    frames.push_back(std::move(*part));
  }
  try {
    return decode_message(signer_, frames, max_reply_);
  } catch (const ProtocolViolation& v) {
    fail(v.why);
  }
}

KernelSession::Event KernelSession::next(Clock::time_point deadline, KernelMessage& message) {
  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  UniqueFd signals(::signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK));
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Event::Timeout;
    zmq_pollitem_t items[] = {{kernel_->shell->handle(), 0, ZMQ_POLLIN, 0},
                               {kernel_->iopub->handle(), 0, ZMQ_POLLIN, 0},
                               {kernel_->control->handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, kernel_->box->pidfd(), ZMQ_POLLIN, 0},
                               {nullptr, kernel_->log.get(), ZMQ_POLLIN, 0},
                               {nullptr, signals.get(), ZMQ_POLLIN, 0}};
    if (!zmq_poll_items(items, signals ? 6 : 5, left)) continue;
    if (items[4].revents) read_log();
    if (signals && items[5].revents) {
      signalfd_siginfo si{};
      if (::read(signals.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        kernel_->box->signal(SIGKILL);
        throw Error(ErrorKind::Cell, std::string("interrupted (") + sigabbrev_np(static_cast<int>(si.ssi_signo)) + ")",
                    {}, "the kernel's box was stopped; finished cells are cached, and nothing was written");
      }
    }
    // Replies first: a kernel that answers and then exits has still answered.
    if (items[0].revents)
      if (auto m = receive(*kernel_->shell)) return message = std::move(*m), Event::Shell;
    if (items[1].revents)
      if (auto m = receive(*kernel_->iopub)) return message = std::move(*m), Event::Iopub;
    if (items[2].revents) receive(*kernel_->control);  // interrupt and shutdown replies: nothing to do
    if (items[3].revents) return Event::Died;
  }
}

void KernelSession::read_log() {
  char buf[1 << 14];
  for (ssize_t n; kernel_->log && (n = ::read(kernel_->log.get(), buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno != EINTR) break;
      continue;
    }
    log_tail_.append(buf, static_cast<size_t>(n));
    if (log_tail_.size() > kLogTail) log_tail_.erase(0, log_tail_.size() - kLogTail);
  }
}

// Ends the kernel's box (it is dead or will be killed) and says how it ended.
std::string KernelSession::stop_kernel() {
  std::unique_ptr<Kernel> k = std::move(kernel_);
  pollfd p{k->box->pidfd(), POLLIN, 0};
  bool ended = ::poll(&p, 1, 0) > 0;  // on its own, before any SIGKILL of ours
  if (!ended) k->box->signal(SIGKILL);
  box::BoxOutcome end = k->box->wait(reporter_, {{k->log.get(), [this](std::string_view chunk) {
                                                   log_tail_.append(chunk);
                                                   if (log_tail_.size() > kLogTail) log_tail_.erase(0, log_tail_.size() - kLogTail);
                                                   return true;
                                                 }}});
  if (end.status.out_of_memory) return " (it ran out of memory: see the manifest's limits.memory)";
  if (end.start_error) return " (" + end.start_error->message + ")";
  if (end.status.signal && (ended || end.status.signal != SIGKILL)) return std::string(" (killed by SIG") + sigabbrev_np(end.status.signal) + ")";
  if (!end.status.signal && end.status.code != 0) return " (exit status " + std::to_string(end.status.code) + ")";
  return "";
}

void KernelSession::fail(const std::string& why) {
  std::string reason = kernel_ ? stop_kernel() : "";
  std::string log = to_valid_utf8(log_tail_);
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  throw Error(ErrorKind::Cell, "the Jupyter kernel `" + spec_.name + "` " + why + reason + (log.empty() ? "" : "; it printed:\n" + log),
              {}, "later cells of this language and image cannot run; fix the cause and render again");
}

// A kernel that died in a cell is restarted, as a notebook's front end does: the cell
// fails with the reason, and later cells run in the new kernel (without the old state).
json KernelSession::restart_after_death(const json& request, const std::string& why) {
  std::string reason = stop_kernel();
  std::string log = to_valid_utf8(log_tail_);
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  json error = {{"ename", timed_out_ ? "timeout" : "DeadKernel"},
                {"evalue", "the kernel " + why + reason + "; waybill restarted it"},
                {"traceback", log},
                {"line", request.value("first_line", 0)}};
  reporter_.warn("the Jupyter kernel `" + spec_.name + "` " + why + reason + "; restarted it", {},
                 "cells after this one run in a new kernel, without the state the earlier cells built");
  launch();
  return {{"id", request.value("id", json())}, {"outputs", json::array()}, {"error", error}};
}

// Runs one execute_request to its end: the shell's reply and iopub's idle. nullopt when
// the kernel died (or would not stop), with `dead` the reply for the cell after the restart.
std::optional<json> KernelSession::execute(const json& content, std::chrono::milliseconds timeout, const json& message,
                                           KernelOutputLog& outputs, json& dead) {
  std::string id = random_hex(16);
  send(*kernel_->shell, "execute_request", id, content);
  auto deadline = timeout.count() > 0 ? Clock::now() + timeout : Clock::now() + std::chrono::hours(24 * 365);
  std::optional<json> reply;
  bool idle = false, interrupted = false;
  uint64_t used = 0;
  while (!(reply && idle)) {
    KernelMessage m;
    Event e = next(deadline, m);
    if (e == Event::Died) {
      dead = restart_after_death(message, interrupted ? "did not stop when interrupted" : "died");
      return std::nullopt;
    }
    if (e == Event::Timeout) {
      if (reply) break;  // the reply came; iopub's idle is late
      if (interrupted) {
        kernel_->box->signal(SIGKILL);
        dead = restart_after_death(message, "did not stop when interrupted");
        return std::nullopt;
      }
      // Out of time: interrupt as the kernelspec says, and give it a moment.
      timed_out_ = interrupted = true;
      if (spec_.interrupt_by_message) send(*kernel_->control, "interrupt_request", random_hex(16), json::object());
      else kernel_->box->signal(SIGINT);
      deadline = Clock::now() + kInterruptGrace;
      continue;
    }
    if (m.parent_id() != id) continue;  // what earlier requests left, or another client's
    if (e == Event::Shell) {
      if (m.type() == "execute_reply") {
        reply = m.content;
        deadline = std::min(deadline, Clock::now() + kIdleGrace);
      }
      continue;
    }
    used += m.content.dump().size();
    if (used > max_reply_) fail("put out more than its cell may (limits.cell-output)");
    if (m.type() == "status" && m.content.value("execution_state", json()) == "idle") idle = true;
    else outputs.add(m);
  }
  return reply;
}

// An inline value reads as text: 'abc' (a Python string's repr) shows as abc, and R's
// "[1] 42" as 42.
json inline_value_output(json data, bool r_language) {
  if (!data.is_object()) data = json::object();
  auto plain = data.find("text/plain");
  if (plain != data.end() && plain->is_string()) {
    std::string t = plain->get<std::string>();
    while (!t.empty() && t.back() == '\n') t.pop_back();
    if (t.size() >= 2 && (t[0] == '\'' || t[0] == '"') && t.back() == t[0]) t = t.substr(1, t.size() - 2);
    if (r_language && t.starts_with("[1] ") && t.find('\n') == std::string::npos) t = t.substr(4);
    *plain = t;
  }
  return {{"output_type", "execute_result"}, {"data", json{{"text/plain", plain != data.end() ? *plain : json("")}}}};
}

// An inline expression: a user_expression where the kernel has them (IPython), else the
// expression run as unsaved code (IRkernel answers user_expressions with none).
std::optional<json> KernelSession::evaluate(const json& message, std::chrono::milliseconds timeout, KernelOutputLog& outputs,
                                            json& dead) {
  std::string expr = message.value("expr", "");
  bool r_language = to_lower(spec_.language) == "r";
  if (user_expressions_) {
    json content = {{"code", ""},           {"silent", true},        {"store_history", false},
                    {"allow_stdin", false}, {"stop_on_error", false}, {"user_expressions", {{"value", expr}}}};
    KernelOutputLog ignored;
    auto reply = execute(content, timeout, message, ignored, dead);
    if (!reply) return reply;
    const json* value = nullptr;
    if (auto u = reply->find("user_expressions"); u != reply->end() && u->is_object())
      if (auto v = u->find("value"); v != u->end() && v->is_object()) value = &*v;
    if (value && value->value("status", json()) == "ok") {
      outputs.add_output(inline_value_output(value->value("data", json()), r_language));
      return reply;
    }
    if (value) {
      outputs.add_output({{"output_type", "error"}, {"ename", value->value("ename", json("Error"))},
                          {"evalue", value->value("evalue", json(""))}, {"traceback", value->value("traceback", json::array())}});
      return reply;
    }
    user_expressions_ = false;
  }
  json content = {{"code", expr}, {"silent", false}, {"store_history", false}, {"allow_stdin", false},
                  {"stop_on_error", false}, {"user_expressions", json::object()}};
  KernelOutputLog shown;
  auto reply = execute(content, timeout, message, shown, dead);
  if (!reply) return reply;
  for (const auto& o : shown.outputs()) {
    std::string type = o.value("output_type", "");
    if (type == "execute_result" || type == "display_data") outputs.add_output(inline_value_output(o.value("data", json()), r_language));
    else if (type == "error") outputs.add_output(o);
  }
  return reply;
}

json KernelSession::request(const json& message, std::chrono::milliseconds timeout) {
  if (!kernel_) fail("is not running");
  timed_out_ = false;
  auto started = Clock::now();
  KernelOutputLog outputs;
  json dead;
  std::optional<json> reply;
  if (message.contains("expr")) {
    reply = evaluate(message, timeout, outputs, dead);
  } else {
    json content = {{"code", message.value("code", "")}, {"silent", false}, {"store_history", true},
                    {"allow_stdin", false}, {"stop_on_error", true}, {"user_expressions", json::object()}};
    reply = execute(content, timeout, message, outputs, dead);
  }
  if (!reply) return dead;
  CellResult r = result_from_nbformat(outputs.outputs());
  json out = result_to_json(r);
  const json& c = *reply;
  if (!r.error && c.value("status", json()) == "error")
    out["error"] = {{"ename", c.value("ename", json("Error"))}, {"evalue", c.value("evalue", json(""))}, {"traceback", ""}};
  // A kernel may take an interrupt quietly (IRkernel does): the cell still did not finish.
  if (!out["error"].is_object() && (timed_out_ || c.value("status", json()) == "abort"))
    out["error"] = {{"ename", timed_out_ ? "timeout" : "aborted"},
                    {"evalue", timed_out_ ? "the cell ran out of time and was interrupted" : "the kernel aborted the cell"},
                    {"traceback", ""}};
  if (out["error"].is_object()) {
    int line = 0;
    for (const auto& o : outputs.outputs())
      if (o.value("output_type", "") == "error") line = KernelOutputLog::traceback_line(o);
    int first = message.value("first_line", 0);
    out["error"]["line"] = line > 0 && first > 0 ? first + line - 1 : first;
  }
  out["id"] = message.value("id", json());
  out["seconds"] = std::chrono::duration<double>(Clock::now() - started).count();
  return out;
}

void KernelSession::close(Reporter& reporter) {
  (void)reporter;
  // The box and all it wrote go now: a kernel's own shutdown (its history, its
  // threads) would only cost time, a third of a second for IPython.
  if (kernel_) stop_kernel();
}

}  // namespace

std::unique_ptr<LiveSession> start_kernel_session(const SessionBoxInput& input, uint64_t max_reply, Reporter& reporter) {
  return std::make_unique<KernelSession>(input, max_reply, reporter);
}

}  // namespace waybill::exec
