#include "driver/render_documents.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "doc/output_format.hpp"
#include "driver/document_batch.hpp"
#include "driver/execute.hpp"
#include "driver/page_context.hpp"
#include "driver/prepare.hpp"
#include "driver/project_lookup.hpp"
#include "driver/stage_times.hpp"
#include "exec/stored_outputs.hpp"
#include "plan/cache_key.hpp"
#include "plan/grants_json.hpp"
#include "prov/lock.hpp"
#include "prov/record.hpp"
#include "prov/signing.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::driver {

namespace {

// One document on its way: prepared, perhaps executed, then written.
struct DocumentJob {
  PreparedDocument prepared;
  std::optional<exec::Results> results;
  render::WriteOptions options;
  std::unique_ptr<render::DocumentWriter> writer;
  std::string started_on = prov::utc_now();
};

exec::RunPolicy run_policy(const RenderRequest& req) {
  exec::RunPolicy p;
  p.no_cache = req.no_cache;
  p.refresh = req.refresh;
  return p;
}

// The provenance record (prov/record.hpp) of the files just written, beside them.
void write_record(const RenderRequest& req, const DocumentJob& job, const std::vector<RenderedOutput>& written) {
  const render::DocumentWriter& w = *job.writer;
  fs::path dir = w.output_folder();
  prov::RecordInput in;
  in.document = &job.prepared.doc;
  in.document_digest = "sha256:" + plan::sha256_hex(job.prepared.doc.source);
  in.options = {{"formats", w.formats(req.formats)}, {"selfContained", req.self_contained},
                {"execute", !req.no_execute},         {"noCache", req.no_cache},
                {"refresh", req.refresh},             {"template", req.template_path},
                {"grants", req.grants.to_json()}};
  in.results = job.results ? &*job.results : nullptr;
  in.output_dir = dir;
  for (const auto& o : written) in.outputs.push_back(fs::path(o.path).lexically_relative(dir));
  // The assets this render wrote (figures, files, copied images, styles, fonts); not
  // whatever else an earlier render left in the folder.
  std::set<fs::path> assets;
  for (const auto& a : w.assets_written()) assets.insert(a.lexically_relative(dir).lexically_normal());
  in.outputs.insert(in.outputs.end(), assets.begin(), assets.end());
  for (const auto& t : w.templates_read()) in.read_files.emplace_back(t, "template");
  for (const auto& b : w.bibliography_files()) in.read_files.emplace_back(b, "bibliography");
  in.invocation_id = prov::random_uuid();
  in.started_on = job.started_on;
  in.finished_on = prov::utc_now();
  nlohmann::json statement = prov::make_statement(in);
  std::string text = req.sign_key.empty() ? statement.dump(2) + "\n"
                                          : prov::sign_envelope(statement.dump(), req.sign_key).dump(2) + "\n";
  write_file_atomic(prov::record_path(dir, job.prepared.input.stem().string()), text);
}

// Jobs left for the process's end (RenderRequest::exiting_after). Reachable from a
// global, so leak checkers do not report them.
std::vector<std::unique_ptr<DocumentJob>>* g_left_for_exit = nullptr;

// --stats: totals over the documents, each document's own counts, and the stage times.
class RenderStats {
 public:
  void add(const std::string& file, const exec::Results& results) {
    nlohmann::json counts = results.stats.to_json();
    for (const auto& [k, v] : counts.items()) totals_[k] = totals_.value(k, 0) + v.get<size_t>();
    documents_[file] = std::move(counts);
  }
  StageTimes times;

  void write(const std::string& file) const {
    if (file.empty()) return;
    nlohmann::json j = totals_;
    j["documents"] = documents_;
    j["timings"] = times.to_json();
    write_file_atomic(file, j.dump(2) + "\n");
  }

 private:
  nlohmann::json totals_ = exec::ExecStats{}.to_json(), documents_ = nlohmann::json::object();
};

// --to's names as the table knows them (`tex` is latex), each once; a wrong one stops
// the render before any work.
std::vector<std::string> requested_formats(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    const doc::OutputFormat* f = doc::find_output_format(name);
    if (!f)
      throw Error(ErrorKind::Usage, "unknown output format `" + name + "`", {},
                  "use " + doc::format_names("--to ", " or "));
    std::string canonical(f->name);
    if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(canonical);
  }
  return out;
}

}  // namespace

std::vector<RenderedOutput> render_here(const RenderRequest& request, Reporter& reporter) {
  RenderRequest req = request;
  req.formats = requested_formats(request.formats);
  std::vector<RenderedOutput> outputs;
  RenderStats stats;
  if (!req.sign_key.empty()) prov::signing_key_id(req.sign_key);  // a wrong key fails before any work
  for (const std::string& file : req.files) {
    DeduplicatingReporter rep(reporter);
    StageTimes& times = stats.times;
    try {
      auto job = std::make_unique<DocumentJob>();
      PageContext* found = !req.page && req.projects ? req.projects->page_for(file, rep) : nullptr;
      const PageContext* page = req.page ? req.page : found;
      Planning planning = req.no_execute && !req.dry_run ? Planning::Skip : Planning::Plan;
      job->prepared = prepare(file, page, req.grants, rep, &times, planning);
      const doc::Document& d = job->prepared.doc;
      if (req.dry_run) {
        outputs.push_back(RenderedOutput{d.path, "plan", "", 0, plan::describe_plan(job->prepared.plan, d)});
        continue;
      }
      // Read now, so that a wrong `waybill: lock` stops the render before any work.
      // --no-execute leaves an existing lock alone (the CLI refuses --lock with it).
      bool lock = (prov::lock_requested(d) || req.lock) && !req.no_execute;
      // The writer reads the bibliography and makes the cross-references now, so that a
      // missing .bib stops the render before any cell runs.
      job->options = render::WriteOptions{req.output_dir, req.template_path, req.self_contained, req.grants.describe(),
                                          req.page ? &req.page->layout : nullptr};
      {
        StageTimer timer(&times.read);
        job->writer = std::make_unique<render::DocumentWriter>(d, file, job->prepared.roots, job->options, rep);
      }
      const plan::Plan& plan = job->prepared.plan;
      if (!req.no_execute && !(plan.images.empty() && plan.sessions.empty())) {
        if (found) {
          StageTimer timer(&times.build);
          req.projects->prepare_images(*found, plan, run_policy(req), rep);
        }
        job->results = execute(job->prepared, page, run_policy(req), req.grants, rep, &times);
        stats.add(file, *job->results);
        job->writer->use_results(&*job->results);
      } else if (req.no_execute && (job->results = exec::stored_results(d))) {
        rep.status("showing " + file + " with the outputs it was saved with (--no-execute)");
        job->writer->use_results(&*job->results);
      }
      StageTimer write_timer(&times.write);
      std::vector<RenderedOutput> written;
      for (const std::string& format : job->writer->formats(req.formats)) {
        RenderedOutput o = job->writer->write(format);
        rep.status("rendered " + o.document + " → " + display_path(o.path) + " (" +
                   format_duration_ms(o.milliseconds) + ")");
        written.push_back(o);
        outputs.push_back(std::move(o));
      }
      write_record(req, *job, written);
      if (lock) {
        prov::write_lock(d, job->results ? *job->results : exec::Results{});  // no results: nothing to run
        rep.status("locked " + display_path(prov::lock_path(d.path)));
      }
      if (req.exiting_after && &file == &req.files.back()) {
        if (!g_left_for_exit) g_left_for_exit = new std::vector<std::unique_ptr<DocumentJob>>;
        g_left_for_exit->push_back(std::move(job));
      }
    } catch (Error& e) {
      if (!e.loc().known() && e.loc().file.empty()) e.add_context("rendering " + file);
      stats.write(req.stats_file);
      throw;
    }
  }
  stats.write(req.stats_file);
  if (req.timings && !req.dry_run) reporter.status("time by stage:\n" + stats.times.table());
  return outputs;
}

namespace {

nlohmann::json outputs_json(const std::vector<RenderedOutput>& outputs) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& o : outputs)
    j.push_back({{"document", o.document}, {"format", o.format}, {"path", o.path}, {"milliseconds", o.milliseconds}});
  return j;
}

std::string absolute_or_empty(const std::string& path) { return path.empty() ? path : fs::absolute(path).string(); }

void report_failure(Reporter& reporter, const Error& e) { reporter.diagnostic(to_diagnostic(e)); }

// A task's outputs, as its result file (on shared storage: input, not trusted) lists them.
bool read_task_outputs(const std::optional<nlohmann::json>& r, const std::string& file, std::vector<RenderedOutput>& outputs,
                       Reporter& reporter) {
  if (!r || !r->value("ok", false) || !r->contains("outputs") || !(*r)["outputs"].is_array()) return false;
  for (const auto& o : (*r)["outputs"]) {
    if (!o.is_object()) continue;
    RenderedOutput out{o.value("document", ""), o.value("format", ""), o.value("path", ""), o.value("milliseconds", 0.0), ""};
    reporter.status("rendered " + file + " → " + display_path(out.path));
    outputs.push_back(std::move(out));
  }
  return true;
}

// --on slurm: every document planned here and its images built once into the shared
// store; those whose cells are all cached are rendered here, the others by a task each.
// A document that fails is reported at its place, the others are written, and the
// render fails at the end.
std::vector<RenderedOutput> render_on_batch(const RenderRequest& req, Reporter& reporter) {
  if (req.dry_run) throw Error(ErrorKind::Usage, "--dry-run and --on do not go together", {}, "print the plan here, without --on");
  size_t failed = 0;
  std::vector<std::string> here, submitted;
  for (const std::string& file : req.files) {
    DeduplicatingReporter rep(reporter);
    try {
      bool runs = !req.no_execute && prepare_for_batch(file, req.projects, req.grants, run_policy(req), rep) > 0;
      (runs ? submitted : here).push_back(file);
    } catch (Error& e) {
      if (!e.loc().known() && e.loc().file.empty()) e.add_context("rendering " + file);
      report_failure(reporter, e);
      ++failed;
    }
  }
  std::vector<RenderedOutput> outputs;
  for (const std::string& file : here) {
    RenderRequest one = req;
    one.files = {file};
    one.batch = {};
    try {
      for (auto& o : render_here(one, reporter)) outputs.push_back(std::move(o));
    } catch (const Error& e) {
      report_failure(reporter, e);
      ++failed;
    }
  }
  if (!submitted.empty()) {
    if (!here.empty())
      reporter.status(std::to_string(here.size()) + " document(s) had every result cached and were rendered here");
    nlohmann::json options = {{"formats", req.formats},         {"output_dir", absolute_or_empty(req.output_dir)},
                              {"template_path", absolute_or_empty(req.template_path)},
                              {"self_contained", req.self_contained}, {"no_execute", req.no_execute},
                              {"no_cache", req.no_cache},       {"refresh", req.refresh},
                              {"lock", req.lock},               {"sign_key", absolute_or_empty(req.sign_key)},
                              {"grants", req.grants}};
    std::vector<DocumentTaskResult> results = run_document_batch("render", submitted, options, req.batch, reporter);
    for (size_t i = 0; i < submitted.size(); ++i) {
      if (read_task_outputs(results[i].result, submitted[i], outputs, reporter)) continue;
      ++failed;
      std::optional<Error> e = results[i].error();
      if (e && !e->loc().known() && e->loc().file.empty()) e->add_context("rendering " + submitted[i]);
      report_failure(reporter, e ? *e
                                 : Error(ErrorKind::Environment, "rendering " + submitted[i] + ": " + results[i].failure,
                                         SourceLoc{submitted[i], 0, 0}, "run `waybill render " + submitted[i] + "` to see it alone"));
    }
  } else if (!failed) {
    reporter.status("every document had its results cached: nothing submitted to Slurm");
  }
  if (failed)
    throw Error(ErrorKind::Document, std::to_string(failed) + " of " + std::to_string(req.files.size()) +
                                         " documents failed; the others are written", {},
                "each is reported above, at its place");
  return outputs;
}

// A task of such a batch: its one document, rendered here, the result left for the submitter.
std::vector<RenderedOutput> render_task(const RenderRequest& request, Reporter& reporter) {
  DocumentTask task = read_document_task(request.task_plan);
  const nlohmann::json& o = task.options;
  RenderRequest one = request;
  one.files = {task.file};
  one.formats = o.value("formats", std::vector<std::string>{});
  one.output_dir = o.value("output_dir", std::string());
  one.template_path = o.value("template_path", std::string());
  one.self_contained = o.value("self_contained", false);
  one.no_execute = o.value("no_execute", false);
  one.no_cache = o.value("no_cache", false);
  one.refresh = o.value("refresh", false);
  one.lock = o.value("lock", false);
  one.sign_key = o.value("sign_key", std::string());
  if (o.contains("grants")) one.grants = o["grants"].get<plan::Grants>();
  try {
    std::vector<RenderedOutput> outputs = render_here(one, reporter);
    write_file_atomic(task.result, nlohmann::json{{"ok", true}, {"outputs", outputs_json(outputs)}}.dump());
    return outputs;
  } catch (const Error& e) {
    write_file_atomic(task.result, nlohmann::json{{"ok", false}, {"error", error_to_json(e)}}.dump());
    throw;
  }
}

}  // namespace

std::vector<RenderedOutput> render_documents(const RenderRequest& request, Reporter& reporter) {
  if (!request.task_plan.empty()) return render_task(request, reporter);
  if (!request.batch.on.empty()) return render_on_batch(request, reporter);
  return render_here(request, reporter);
}

}  // namespace waybill::driver
