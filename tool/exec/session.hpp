#pragma once
// A session: one long-lived box per (image, language) of a document, running a driver
// (tool/exec/drivers/) that keeps the language's state from cell to cell. waybill talks
// to the driver over the box's stdin and stdout in frames (a decimal length, a newline,
// then that many bytes), both ways, through the box's PID 1 (box/frame_relay.hpp); the
// end of the driver's own stderr is kept for crash reports. What comes back is untrusted: one reply per request, of bounded size and
// depth, with the request's id, or the session is ended with the reason.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "box/box.hpp"
#include "exec/drivers.hpp"
#include "exec/reply_decoder.hpp"
#include "util/fs.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::exec {

class Session {
 public:
  // Starts `spec` (its argv the driver's command line) with pipes for stdin and stdout.
  // `max_reply` bounds one reply frame (exec/output_checks.hpp: OutputLimits::reply_bytes).
  static Session start(box::BoxSpec spec, Reporter& reporter, Protocol protocol = Protocol::Json,
                       uint64_t max_reply = 64u << 20);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) = delete;
  ~Session();

  // Sends one request and waits for its reply. When `timeout` passes, the cell is
  // interrupted (SIGINT, as a notebook's interrupt does), and the session ended if it
  // does not answer within a few seconds. Throws Error(Cell) when the session has died,
  // saying what its driver printed last, or when waybill itself is interrupted (SIGINT,
  // SIGTERM, SIGHUP): the caller then unwinds, and the boxes are stopped.
  nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds timeout);

  bool alive() const { return alive_; }
  // Whether the last request ran out of time and was interrupted.
  bool timed_out() const { return timed_out_; }
  // The box's limits that no cgroup enforces.
  std::vector<std::string> unenforced_limits() const { return box_ ? box_->unenforced_limits() : std::vector<std::string>{}; }

  // Ends the session: closes the driver's input and waits for the box to finish.
  box::BoxOutcome close(Reporter& reporter);

 private:
  Session() = default;
  std::optional<nlohmann::json> read_reply(std::chrono::steady_clock::time_point deadline);
  void read_log();
  std::string encode(const nlohmann::json& message) const;
  [[noreturn]] void died(const std::string& why);

  // How the box ended, once the driver is gone: said in the error (out of memory, a
  // signal), so that "the session ended" comes with its reason.
  std::string end_reason();

  Reporter* reporter_ = nullptr;
  std::unique_ptr<box::Box> box_;
  UniqueFd to_driver_, from_driver_;
  UniqueFd driver_log_;   // the driver's stderr
  std::string log_tail_;  // its last few kilobytes
  std::string buffer_;
  Protocol protocol_ = Protocol::Json;
  uint64_t max_reply_ = 0;
  nlohmann::json pending_;  // the request being answered
  bool alive_ = true, timed_out_ = false, closed_ = false;
};

}  // namespace waybill::exec
