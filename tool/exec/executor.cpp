#include "exec/executor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "box/box.hpp"
#include "box/lease.hpp"
#include "exec/backend.hpp"
#include "exec/cell_cache.hpp"
#include "exec/drivers.hpp"
#include "exec/output_checks.hpp"
#include "exec/session.hpp"
#include "exec/session_box.hpp"
#include "oci/store.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

using Clock = std::chrono::steady_clock;
using plan::SessionStep;

// A step of a session, with what the cache knows of it.
struct StepState {
  const SessionStep* step = nullptr;
  std::string key;
  std::optional<CellResult> cached;
  bool must_run = false;  // for its own result: not cached, or refused the cache
};

// The last `max_lines` lines of a traceback: where it ends is what matters.
std::string last_lines(const std::string& text, size_t max_lines) {
  std::vector<std::string_view> lines = split(text, '\n');
  if (lines.size() <= max_lines) return text;
  std::string out;
  for (size_t i = lines.size() - max_lines; i < lines.size(); ++i) out += std::string(lines[i]) + "\n";
  return "...\n" + out;
}

class DocumentRun {
 public:
  DocumentRun(const doc::Document& d, const plan::Plan& p, const ExecSettings& s, Reporter& r)
      : doc_(d), plan_(p), settings_(s), rep_(r), backend_(s.backend ? *s.backend : box_backend()),
        store_(oci::Store::open()), cache_(store_.cache_dir() / "cells") {
    std::error_code ec;
    doc_dir_ = std::filesystem::absolute(s.doc_dir.empty() ? "." : s.doc_dir, ec);
    // What the document asks beyond the defaults must have been granted on the command
    // line; within that, its limits hold for every cell.
    static const plan::Grants kNone;
    const plan::Grants& grants = s.grants ? *s.grants : kNone;
    plan::check_privileges(p.manifest, grants, s.project.empty() ? doc_dir_ : std::filesystem::absolute(s.project, ec),
                           doc_dir_);
    run_limits_ = plan::effective_limits(p.manifest, grants);
    limits_ = OutputLimits::from(run_limits_);
    if (run_limits_.document_timeout) deadline_ = Clock::now() + *run_limits_.document_timeout;
  }

  Results run() {
    results_.cells.resize(doc_.cells.size());
    results_.cell_images.resize(doc_.cells.size());
    for (const auto& in : plan_.inlines) results_.inlines.push_back(InlineRun{in, "", std::nullopt});
    for (const auto& session : plan_.sessions) {
      for (const auto& step : session.steps) {
        if (step.kind == SessionStep::Kind::Cell) results_.cell_images[step.index] = session.image;
        else results_.inlines[step.index].image = session.image;
      }
    }
    // render's --no-cache is about cells: images come from the build cache still (`waybill
    // build --no-cache` rebuilds one), so their digests, and so the cells' keys, stay put.
    auto t0 = Clock::now();
    const RunPolicy& policy = settings_.policy;
    ImageSettings is{settings_.doc_dir, settings_.doc_path, policy.build, settings_.prepared_images};
    results_.images = backend_.images(plan_, is, rep_);
    for (const auto& [name, image] : results_.images) {
      if (!image.from_block || image.prebuilt) continue;
      if (image.cached_steps == image.steps) ++results_.stats.images_cached;
      else ++results_.stats.images_built;
    }
    results_.data = backend_.data_images(plan_.manifest, rep_);
    results_.inputs = plan::hash_inputs(plan_.manifest, settings_.doc_dir, rep_);
    results_.stats.images_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    t0 = Clock::now();
    FileLock gc = store_.gc_lock(FileLock::Mode::Shared);
    for (size_t i = 0; i < plan_.sessions.size(); ++i) run_session(i);
    results_.stats.sessions_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    scratch_.reset();
    scratch_lease_.release();
    return std::move(results_);
  }

 private:
  SourceLoc loc(doc::Pos pos) const { return SourceLoc{settings_.doc_path, pos.line, pos.col}; }

  const doc::Cell* cell_of(const SessionStep& step) const {
    return step.kind == SessionStep::Kind::Cell ? &doc_.cells[step.index] : nullptr;
  }

  std::vector<StepState> plan_steps(const plan::SessionPlan& session, const Driver& driver) {
    plan::KeyParts parts;
    parts.image_digest = results_.images.at(session.image).digest;
    parts.inputs = results_.inputs.digest;
    std::map<std::string, std::string> data_digests;
    for (const auto& d : results_.data) data_digests[d.name] = d.digest;
    parts.settings = plan::run_settings(plan_.manifest, session, driver.digest, data_digests);
    std::vector<StepState> steps;
    for (const auto& step : session.steps) {
      StepState st;
      st.step = &step;
      const doc::Cell* cell = cell_of(step);
      st.key = cell ? plan::cell_key(parts, *cell) : plan::inline_key(parts, plan_.inlines[step.index]);
      parts.previous = st.key;
      bool use_cache = !settings_.policy.no_cache && !settings_.policy.refresh && !(cell && cell->options.cache == false);
      if (use_cache) st.cached = cache_.find(st.key);
      st.must_run = !st.cached;
      steps.push_back(std::move(st));
    }
    return steps;
  }

  void run_session(size_t index) {
    const plan::SessionPlan& session = plan_.sessions[index];
    const SourceLoc where = loc(session.steps.front().pos);
    Driver driver;
    try {
      driver = driver_for(session.language, session.command, session.kernel);
    } catch (Error& e) {
      throw e.with_loc_if_unknown(where);
    }
    std::vector<StepState> steps = plan_steps(session, driver);
    if (settings_.policy.probe) {
      for (const auto& st : steps) results_.stats.steps_to_run += st.must_run;
      return;
    }
    size_t last = steps.size();  // the last step that must run, or size() for none
    for (size_t i = 0; i < steps.size(); ++i)
      if (steps[i].must_run) last = i;
    auto t0 = Clock::now();
    size_t ran = 0, cached = 0;
    if (last == steps.size()) {
      for (auto& st : steps) keep(st, std::move(*st.cached)), ++cached;
    } else {
      // Made only when a box starts: a fully cached render touches no more of the store.
      if (!scratch_) {
        // Leased, so that a killed render's scratch goes with the next box (box/lease.hpp).
        scratch_lease_ = box::Lease::take(store_.home() / "boxes", "exec");
        scratch_.emplace("exec-", store_.tmp_dir());
        scratch_lease_.add_dir(scratch_->path());
      }
      SessionDirs dirs = make_session_dirs(scratch_->path() / ("session-" + std::to_string(index)), driver);
      SessionBoxInput in{store_, results_.images.at(session.image).digest, driver, plan_.manifest, run_limits_,
                         results_.data, doc_dir_, settings_.doc_path, dirs};
      std::unique_ptr<LiveSession> live;
      if (driver.kind != DriverKind::Process) {
        rep_.activity("starting " + session.language + " in " + session.image);
        try {
          live = backend_.start_session(in, protocol_of(driver.kind), limits_.reply_bytes(), rep_);
        } catch (Error& e) {
          // A kernel the image lacks is the manifest's choice: said at its language.
          auto lang = plan_.manifest.languages.find(session.language);
          bool at_manifest = driver.kind == DriverKind::Jupyter && lang != plan_.manifest.languages.end() && lang->second.loc.line > 0;
          throw e.with_loc_if_unknown(at_manifest ? lang->second.loc : where);
        }
        ++results_.stats.boxes_started;
      }
      for (size_t i = 0; i < steps.size(); ++i) {
        StepState& st = steps[i];
        if (i > last) {
          keep(st, std::move(*st.cached));
          ++cached;
          continue;
        }
        // Replaying an unchanged step matters only for the state it leaves, so a fresh
        // process per cell has nothing to replay.
        if (!st.must_run && driver.kind == DriverKind::Process) {
          keep(st, std::move(*st.cached));
          ++cached;
          continue;
        }
        CellResult fresh = run_step(session, st, live.get(), in);
        if (st.must_run) {
          accept(st, std::move(fresh));
          ++ran;
        } else {
          replayed(st, fresh);
          keep(st, std::move(*st.cached));
        }
      }
      if (live) live->close(rep_);
    }
    rep_.status(session.language + " in " + session.image + ": " + std::to_string(ran) + " run, " +
                std::to_string(cached) + " cached (" +
                format_duration_ms(std::chrono::duration<double, std::milli>(Clock::now() - t0).count()) + ")");
  }

  static Protocol protocol_of(DriverKind kind) {
    return kind == DriverKind::Shell     ? Protocol::Shell
           : kind == DriverKind::R       ? Protocol::Fields
           : kind == DriverKind::Jupyter ? Protocol::Jupyter
                                         : Protocol::Json;
  }

  std::chrono::milliseconds timeout_for(const doc::Cell* cell, const SourceLoc& where) const {
    std::chrono::milliseconds t{0};
    if (cell && cell->options.timeout)
      t = std::chrono::milliseconds(static_cast<long long>(*cell->options.timeout * 1000));
    else if (run_limits_.cell_timeout)
      t = *run_limits_.cell_timeout;
    if (deadline_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0)
        throw Error(ErrorKind::Cell, "the document ran out of time (limits: document-timeout)", where,
                    "raise limits.document-timeout in the manifest, or make the cells faster");
      if (t.count() == 0 || left < t) t = left;
    }
    return t;
  }

  nlohmann::json request_for(const StepState& st, const SessionDirs& dirs) const {
    const doc::Cell* cell = cell_of(*st.step);
    nlohmann::json m = {{"id", st.step->index}, {"file", settings_.doc_path}};
    if (!cell) {
      m["expr"] = plan_.inlines[st.step->index].code;
      m["first_line"] = st.step->pos.line;
      return m;
    }
    const doc::CellOptions& o = cell->options;
    m["code"] = cell->code;
    m["first_line"] = cell->code_line;
    m["fig_format"] = o.fig_format;
    if (o.fig_width) m["fig_width"] = *o.fig_width;
    if (o.fig_height) m["fig_height"] = *o.fig_height;
    m["warning"] = o.warning;
    m["message"] = o.message;
    m["outdir"] = make_output_dir(dirs, cell->name());
    return m;
  }

  CellResult run_step(const plan::SessionPlan& session, const StepState& st, LiveSession* live,
                      const SessionBoxInput& in) {
    const doc::Cell* cell = cell_of(*st.step);
    SourceLoc where = loc(st.step->pos);
    std::string what = cell ? describe_cell(*cell) : "the inline " + session.language + " expression";
    rep_.activity("running " + what);
    std::chrono::milliseconds timeout = timeout_for(cell, where);
    auto t0 = Clock::now();
    CellResult r;
    try {
      if (live) {
        r = result_from_json(live->request(request_for(st, in.dirs), timeout));
        r.timed_out = live->timed_out();
        r.unenforced_limits = live->unenforced_limits();
      } else {
        ++results_.stats.boxes_started;
        r = backend_.run_process_cell(*cell, in, timeout, limits_, rep_);
      }
    } catch (Error& e) {
      throw e.with_loc_if_unknown(where).add_context(what);
    }
    // Nothing from the box is trusted: names, formats, sizes, encodings, lines.
    check_reply_result(r, limits_, lines_of(*st.step));
    // Drivers that do not time their cells (shell) get the wall time of the request.
    if (r.seconds == 0) r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (cell) {
      CollectedFiles files = collect_output_files(in.dirs, cell->name(), limits_, rep_, where);
      for (const auto& why : files.refused) refuse_output(r, why);
      r.outputs.insert(r.outputs.end(), files.files.begin(), files.files.end());
    }
    r.key = st.key;
    return r;
  }

  LineRange lines_of(const SessionStep& step) const {
    const doc::Cell* cell = cell_of(step);
    if (!cell) return {step.pos.line, step.pos.line};
    int count = static_cast<int>(std::count(cell->code.begin(), cell->code.end(), '\n'));
    return {cell->code_line, cell->code_line + count};
  }

  // A result this render shows; a failing cell stops the render unless `error: true`.
  void accept(StepState& st, CellResult r) {
    check_result_totals(r, limits_, document_output_);
    const doc::Cell* cell = cell_of(*st.step);
    bool expected = !r.error || (cell && cell->options.error);
    if (!expected && !settings_.policy.keep_going) fail(st, r);
    if (!settings_.policy.no_cache && expected) cache_.put(st.key, r);
    if (cell) ++results_.stats.cells_run;
    else ++results_.stats.inline_run;
    place(st, std::move(r));
  }

  void keep(StepState& st, CellResult r) {
    document_output_ += output_size(r);
    if (cell_of(*st.step)) ++results_.stats.cells_cached;
    else ++results_.stats.inline_cached;
    place(st, std::move(r));
  }

  void replayed(const StepState& st, const CellResult& fresh) {
    ++results_.stats.cells_replayed;
    // A cell whose cached result is an error (`error: true`) fails again as expected.
    if (fresh.error && !(st.cached && st.cached->error))
      rep_.warn("replaying an unchanged cell to restore its session's state failed: " + fresh.error->ename + ": " +
                    fresh.error->evalue,
                loc(st.step->pos), "the cell's cached result is shown; later cells may see a different state");
  }

  void place(const StepState& st, CellResult r) {
    r.key = st.key;
    if (st.step->kind == SessionStep::Kind::Cell) results_.cells[st.step->index] = std::move(r);
    else results_.inlines[st.step->index].result = std::move(r);
  }

  [[noreturn]] void fail(const StepState& st, const CellResult& r) {
    const doc::Cell* cell = cell_of(*st.step);
    int line = r.error->line > 0 ? r.error->line : st.step->pos.line;
    std::string what = cell ? describe_cell(*cell) : "an inline " + plan_.inlines[st.step->index].language + " expression";
    std::string detail(trim_right(r.error->traceback.empty() ? r.error->ename + ": " + r.error->evalue
                                                             : last_lines(r.error->traceback, 30)));
    if (r.timed_out) {
      throw Error(ErrorKind::Cell, what + " timed out", loc(st.step->pos),
                  "raise its `timeout` option or limits.timeout in the manifest");
    }
    std::string hint = r.error->ename == "refused output"
                           ? "nothing a cell puts out is trusted; what broke a rule was not kept (site/security.md)"
                       : cell ? "set `#| error: true` on the cell to show the error in the output and go on"
                              : "";
    throw Error(ErrorKind::Cell, what + " failed\n" + detail, SourceLoc{settings_.doc_path, line, 1}, hint);
  }

  const doc::Document& doc_;
  const plan::Plan& plan_;
  const ExecSettings& settings_;
  Reporter& rep_;
  ExecBackend& backend_;
  oci::Store store_;
  CellCache cache_;
  std::filesystem::path doc_dir_;
  std::optional<Clock::time_point> deadline_;
  box::Lease scratch_lease_;
  std::optional<TempDir> scratch_;  // the sessions' driver and output directories
  plan::LimitSettings run_limits_;  // the manifest's over the defaults (plan/trust.hpp)
  OutputLimits limits_;
  uint64_t document_output_ = 0;  // what the document's cells put out so far
  Results results_;
};

}  // namespace

nlohmann::json ExecStats::to_json() const {
  return {{"images_built", images_built},     {"images_cached", images_cached}, {"boxes_started", boxes_started},
          {"cells_run", cells_run},           {"cells_cached", cells_cached},   {"cells_replayed", cells_replayed},
          {"inline_run", inline_run},         {"inline_cached", inline_cached}};
}

const CellResult* Results::cell(size_t index) const {
  return index < cells.size() && cells[index] ? &*cells[index] : nullptr;
}

const CellResult* Results::inline_at(doc::Pos pos) const {
  for (const auto& in : inlines)
    if (in.expression.pos.line == pos.line && in.expression.pos.col == pos.col) return in.result ? &*in.result : nullptr;
  return nullptr;
}

std::string describe_cell(const doc::Cell& cell) {
  if (!cell.options.label.empty()) return "cell '" + cell.options.label + "'";
  return "the " + cell.language + " cell at line " + std::to_string(cell.fence.line);
}

Results execute(const doc::Document& document, const plan::Plan& plan, const ExecSettings& settings,
                Reporter& reporter) {
  return DocumentRun(document, plan, settings, reporter).run();
}

}  // namespace waybill::exec
