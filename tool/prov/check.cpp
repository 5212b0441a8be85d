#include "prov/check.hpp"

#include "doc/reader.hpp"
#include "exec/executor.hpp"
#include "plan/plan.hpp"
#include "prov/junit.hpp"
#include "prov/lock.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::prov {

namespace {

DocumentCheck check_one(const CheckRequest& req, const std::string& file, Reporter& rep) {
  doc::Document d = doc::read_document(file, rep);
  Lock locked = read_lock(lock_path(file));
  plan::Plan plan = plan::make_plan(d);
  for (const auto& w : plan.warnings) rep.diagnostic(w);
  exec::ExecSettings s;
  s.doc_dir = std::filesystem::path(file).parent_path();
  s.doc_path = d.path;
  s.no_cache = req.no_cache || req.rebuild;
  s.refresh = !s.no_cache;
  s.compact_progress = req.compact_progress;
  s.keep_going = true;
  s.build_no_cache = req.no_cache || req.rebuild;
  s.refresh_bases = req.rebuild;
  s.grants = &req.grants;
  exec::Results results = exec::execute(d, plan, s, rep);
  return compare_with_lock(locked, make_lock(d, results, locked.version), d);
}

}  // namespace

CheckOutcome check_documents(const CheckRequest& req, Reporter& reporter) {
  CheckOutcome out;
  for (const auto& file : req.files) {
    DeduplicatingReporter rep(reporter);
    try {
      out.documents.push_back(check_one(req, file, rep));
    } catch (Error& e) {
      // The document could not be run to the end: one failed entry for it, so JUnit
      // shows it, and the error is reported after the others are checked.
      DocumentCheck failed;
      failed.document = file;
      failed.steps.push_back({"document", e.loc().line, Verdict::Failed, e.message(), "", 0});
      out.documents.push_back(std::move(failed));
      if (!out.error) out.error = e;
    }
    out.report += format_report(out.documents.back(), req.color);
    out.drifted = out.drifted || out.documents.back().drifted();
  }
  if (!req.junit_file.empty()) write_file_atomic(req.junit_file, junit_xml(out.documents));
  return out;
}

}  // namespace waybill::prov
