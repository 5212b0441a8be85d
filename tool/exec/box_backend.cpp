#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "box/box.hpp"
#include "exec/backend.hpp"
#include "exec/kernel_session.hpp"
#include "exec/session.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

class BoxSession : public LiveSession {
 public:
  explicit BoxSession(Session session) : session_(std::move(session)) {}
  nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds timeout) override {
    return session_.request(message, timeout);
  }
  bool timed_out() const override { return session_.timed_out(); }
  std::vector<std::string> unenforced_limits() const override { return session_.unenforced_limits(); }
  void close(Reporter& reporter) override { session_.close(reporter); }

 private:
  Session session_;
};

class BoxBackend : public ExecBackend {
 public:
  std::map<std::string, DocumentImage> images(const plan::Plan& plan, const ImageSettings& settings,
                                              Reporter& reporter) override {
    return prepare_images(plan, settings, reporter);
  }

  std::vector<DataImage> data_images(const plan::Manifest& manifest, Reporter& reporter) override {
    return prepare_data_images(manifest, reporter);
  }

  std::unique_ptr<LiveSession> start_session(const SessionBoxInput& in, Protocol protocol, uint64_t max_reply,
                                             Reporter& reporter) override {
    if (in.driver.kind == DriverKind::Jupyter) return start_kernel_session(in, max_reply, reporter);
    return std::make_unique<BoxSession>(Session::start(session_box_spec(in, reporter), reporter, protocol, max_reply));
  }

  CellResult run_process_cell(const doc::Cell& cell, const SessionBoxInput& in, std::chrono::milliseconds timeout,
                              const OutputLimits& limits, Reporter& reporter) override;
};

CellResult BoxBackend::run_process_cell(const doc::Cell& cell, const SessionBoxInput& in,
                                        std::chrono::milliseconds timeout, const OutputLimits& limits,
                                        Reporter& reporter) {
  std::filesystem::path dir = in.dirs.driver.parent_path() / ("process-" + std::to_string(cell.index));
  make_dirs(dir);
  write_file_atomic(dir / "code", cell.code);
  UniqueFd code(::open((dir / "code").c_str(), O_RDONLY | O_CLOEXEC));
  if (!code) throw Error::from_errno("create", dir.string(), errno, ErrorKind::Io);
  auto [out_read, out_write] = make_pipe();
  auto [err_read, err_write] = make_pipe();
  std::string outdir = make_output_dir(in.dirs, cell.name());
  box::BoxSpec spec = session_box_spec(in, reporter);
  spec.env.push_back("WAYBILL_OUTPUT_DIR=" + outdir);
  spec.timeout = timeout;
  spec.stdio.in = code.get();
  spec.stdio.out = out_write.get();
  spec.stdio.err = err_write.get();
  box::Box b = box::Box::start(std::move(spec), reporter);
  out_write.reset();
  err_write.reset();
  // The streams come through pipes, bounded as they arrive: a cell that prints without
  // end is stopped at limits.output, not written to the host's disk.
  std::string texts[2];
  bool over = false;
  auto sink = [&](std::string& text) {
    return [&](std::string_view chunk) {
      if (text.size() + chunk.size() > limits.output) return !(over = true);
      text.append(chunk);
      return true;
    };
  };
  box::BoxOutcome end = b.wait(reporter, {{out_read.get(), sink(texts[0])}, {err_read.get(), sink(texts[1])}});
  CellResult r;
  r.unenforced_limits = b.unenforced_limits();
  r.seconds = std::chrono::duration<double>(end.status.duration).count();
  const char* names[] = {"stdout", "stderr"};
  for (int i = 0; i < 2; ++i)
    if (!texts[i].empty()) r.outputs.push_back(CellOutput{OutputKind::Stream, names[i], texts[i], {}, {}, {}});
  if (over) {
    refuse_output(r, "its output is over limits.output (" + format_binary_size(limits.output) + ")");
    return r;
  }
  r.timed_out = end.status.timed_out;
  if (end.start_error || end.status.code != 0) {
    CellError e;
    e.ename = end.status.out_of_memory ? "out of memory"
              : end.status.timed_out   ? "timeout"
              : end.status.signal      ? "signal"
                                       : "exit status";
    e.evalue = end.status.signal ? std::string(sigabbrev_np(end.status.signal)) : std::to_string(end.status.code);
    if (end.start_error) e.traceback = end.start_error->message;
    e.line = cell.code_line;
    r.error = std::move(e);
  }
  return r;
}

}  // namespace

ExecBackend& box_backend() {
  static BoxBackend backend;
  return backend;
}

}  // namespace waybill::exec
