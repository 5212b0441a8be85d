#include "driver/check.hpp"

#include "driver/document_batch.hpp"
#include "driver/execute.hpp"
#include "driver/page_context.hpp"
#include "driver/prepare.hpp"
#include "driver/project_lookup.hpp"
#include "plan/grants_json.hpp"
#include "prov/check_json.hpp"
#include "prov/junit.hpp"
#include "prov/lock.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::driver {

namespace {

using prov::DocumentCheck;

// Every cell runs again; --no-cache and --rebuild reach the images' builds too.
exec::RunPolicy check_policy(const CheckRequest& req) {
  exec::RunPolicy policy;
  policy.no_cache = req.no_cache || req.rebuild;
  policy.refresh = !policy.no_cache;
  policy.keep_going = true;
  if (req.images_ready) return policy;
  policy.build.no_cache = req.no_cache || req.rebuild;
  policy.build.refresh_bases = req.rebuild;
  return policy;
}

prov::DocumentCheck check_one(const CheckRequest& req, const std::string& file, Reporter& rep) {
  PageContext* page = req.projects ? req.projects->page_for(file, rep) : nullptr;
  PreparedDocument p = prepare(file, page, req.grants, rep);
  prov::Lock locked = prov::read_lock(prov::lock_path(file));
  exec::RunPolicy policy = check_policy(req);
  if (page) req.projects->prepare_images(*page, p.plan, policy, rep);
  exec::Results results = execute(p, page, policy, req.grants, rep);
  return prov::compare_with_lock(locked, prov::make_lock(p.doc, results, locked.version), p.doc);
}

// One document's check, or its failure as one failed entry (so JUnit shows it); the
// first error is kept to be reported after the others are checked.
void add_check(CheckOutcome& out, const CheckRequest& req, prov::DocumentCheck check, const std::optional<Error>& error) {
  out.documents.push_back(std::move(check));
  if (error && !out.error) out.error = error;
  out.report += prov::format_report(out.documents.back(), req.color);
  out.drifted = out.drifted || out.documents.back().drifted();
}

DocumentCheck failed_check(const std::string& file, const Error& e) {
  DocumentCheck failed;
  failed.document = file;
  failed.steps.push_back({"document", e.loc().line, prov::Verdict::Failed, e.message(), "", 0});
  return failed;
}

CheckOutcome check_here(const CheckRequest& req, Reporter& reporter) {
  CheckOutcome out;
  for (const auto& file : req.files) {
    DeduplicatingReporter rep(reporter);
    try {
      add_check(out, req, check_one(req, file, rep), std::nullopt);
    } catch (Error& e) {
      add_check(out, req, failed_check(file, e), e);
    }
  }
  return out;
}

// One document's task result; the file is the task's, on shared storage: read as input.
void add_task_result(CheckOutcome& out, const CheckRequest& req, const std::string& file, const DocumentTaskResult& task) {
  const auto& r = task.result;
  if (!r || !r->contains("documents")) {
    std::optional<Error> e = task.error();
    if (e && !e->loc().known() && e->loc().file.empty()) e->add_context("checking " + file);
    if (!e) e = Error(ErrorKind::Environment, task.failure, SourceLoc{file, 0, 0}, "run `waybill check " + file + "` to see it alone");
    add_check(out, req, failed_check(file, *e), e);
    return;
  }
  std::vector<DocumentCheck> checks;
  std::optional<Error> error = task.error();
  try {
    checks = (*r)["documents"].get<std::vector<DocumentCheck>>();
  } catch (const nlohmann::json::exception& e) {
    std::string why = "its task's result is not one a task of this waybill writes: " + std::string(e.what());
    add_check(out, req, failed_check(file, Error(ErrorKind::Environment, why)),
              Error(ErrorKind::Environment, why, SourceLoc{file, 0, 0}, "check it again"));
    return;
  }
  for (DocumentCheck& check : checks) {
    check.document = file;  // as given here, not as the task resolved it
    add_check(out, req, std::move(check), error);
  }
}

// --on slurm: every document planned here and its images built once into the shared
// store (with the check's --no-cache or --rebuild), then checked by a task of its own;
// the results are gathered in order, so the report, the JUnit file and the exit status
// are a local check's.
CheckOutcome check_on_batch(const CheckRequest& req, Reporter& reporter) {
  std::vector<std::optional<Error>> unprepared(req.files.size());
  std::vector<std::string> submitted;
  for (size_t i = 0; i < req.files.size(); ++i) {
    DeduplicatingReporter rep(reporter);
    try {
      prepare_for_batch(req.files[i], req.projects, req.grants, check_policy(req), rep);
      submitted.push_back(req.files[i]);
    } catch (Error& e) {
      unprepared[i] = e;
    }
  }
  nlohmann::json options = {{"no_cache", req.no_cache}, {"rebuild", req.rebuild}, {"images_ready", true}, {"grants", req.grants}};
  std::vector<DocumentTaskResult> results;
  if (!submitted.empty()) results = run_document_batch("check", submitted, options, req.batch, reporter);
  CheckOutcome out;
  for (size_t i = 0, task = 0; i < req.files.size(); ++i) {
    if (unprepared[i]) {
      add_check(out, req, failed_check(req.files[i], *unprepared[i]), unprepared[i]);
      continue;
    }
    add_task_result(out, req, req.files[i], results[task++]);
  }
  return out;
}

// A task of such a batch: its one document, checked here, the result left for the submitter.
CheckOutcome check_task(const CheckRequest& req, Reporter& reporter) {
  DocumentTask task = read_document_task(req.task_plan);
  CheckRequest one = req;
  one.files = {task.file};
  one.no_cache = task.options.value("no_cache", false);
  one.rebuild = task.options.value("rebuild", false);
  one.images_ready = task.options.value("images_ready", false);
  if (task.options.contains("grants")) one.grants = task.options["grants"].get<plan::Grants>();
  one.junit_file.clear();
  CheckOutcome out = check_here(one, reporter);
  nlohmann::json documents = out.documents;
  write_file_atomic(task.result, nlohmann::json{{"documents", documents},
                                                {"error", out.error ? error_to_json(*out.error) : nlohmann::json()}}
                                     .dump());
  return out;
}

}  // namespace

CheckOutcome check_documents(const CheckRequest& req, Reporter& reporter) {
  if (!req.task_plan.empty()) return check_task(req, reporter);
  CheckOutcome out = req.batch.on.empty() ? check_here(req, reporter) : check_on_batch(req, reporter);
  if (!req.junit_file.empty()) write_file_atomic(req.junit_file, prov::junit_xml(out.documents));
  return out;
}

}  // namespace waybill::driver
