#pragma once
// What the executor needs from the machine, behind one interface (as ninja's builder
// runs commands through a CommandRunner): images ready to run, sessions started in
// boxes, and fresh-process cells. The executor's own logic (keys, the cache, replaying
// a session's earlier cells, failures and their messages) sits above it, so tests give a
// fake backend and need no root, no box and no image (tests/unit/exec/).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doc/model.hpp"
#include "exec/cell_result.hpp"
#include "exec/images.hpp"
#include "exec/output_checks.hpp"
#include "exec/reply_decoder.hpp"
#include "exec/session_box.hpp"
#include "plan/plan.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::exec {

// A session's driver, running: one request at a time, in document order.
class LiveSession {
 public:
  virtual ~LiveSession() = default;
  // Sends one request and waits for its reply (exec/session.hpp: Session::request).
  virtual nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds timeout) = 0;
  // Whether the last request ran out of time and was interrupted.
  virtual bool timed_out() const = 0;
  // The session box's limits that no cgroup enforces (box/box.hpp).
  virtual std::vector<std::string> unenforced_limits() const { return {}; }
  virtual void close(Reporter& reporter) = 0;
};

class ExecBackend {
 public:
  virtual ~ExecBackend() = default;
  // The plan's images, built or found (exec/images.hpp: prepare_images).
  virtual std::map<std::string, DocumentImage> images(const plan::Plan& plan, const ImageSettings& settings,
                                                      Reporter& reporter) = 0;
  // The manifest's image mounts (exec/images.hpp: prepare_data_images).
  virtual std::vector<DataImage> data_images(const plan::Manifest& manifest, Reporter& reporter) = 0;
  // Starts a session's driver in a box of `input`.
  virtual std::unique_ptr<LiveSession> start_session(const SessionBoxInput& input, Protocol protocol,
                                                     uint64_t max_reply, Reporter& reporter) = 0;
  // Runs one cell of a fresh-process language (its code on stdin) in a box of its own.
  virtual CellResult run_process_cell(const doc::Cell& cell, const SessionBoxInput& input,
                                      std::chrono::milliseconds timeout, const OutputLimits& limits,
                                      Reporter& reporter) = 0;
};

// The real one: the engine module builds, box/ runs.
ExecBackend& box_backend();

}  // namespace waybill::exec
