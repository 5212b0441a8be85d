#include "driver/check.hpp"

#include "driver/execute.hpp"
#include "driver/page_context.hpp"
#include "driver/prepare.hpp"
#include "driver/project_lookup.hpp"
#include "prov/junit.hpp"
#include "prov/lock.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::driver {

namespace {

using prov::DocumentCheck;

prov::DocumentCheck check_one(const CheckRequest& req, const std::string& file, Reporter& rep) {
  PageContext* page = req.projects ? req.projects->page_for(file, rep) : nullptr;
  PreparedDocument p = prepare(file, page, req.grants, rep);
  prov::Lock locked = prov::read_lock(prov::lock_path(file));
  exec::RunPolicy policy;
  policy.no_cache = req.no_cache || req.rebuild;
  policy.refresh = !policy.no_cache;
  policy.keep_going = true;
  policy.build.no_cache = req.no_cache || req.rebuild;
  policy.build.refresh_bases = req.rebuild;
  if (page) req.projects->prepare_images(*page, p.plan, policy, rep);
  exec::Results results = execute(p, page, policy, req.grants, rep);
  return prov::compare_with_lock(locked, prov::make_lock(p.doc, results, locked.version), p.doc);
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
      failed.steps.push_back({"document", e.loc().line, prov::Verdict::Failed, e.message(), "", 0});
      out.documents.push_back(std::move(failed));
      if (!out.error) out.error = e;
    }
    out.report += prov::format_report(out.documents.back(), req.color);
    out.drifted = out.drifted || out.documents.back().drifted();
  }
  if (!req.junit_file.empty()) write_file_atomic(req.junit_file, prov::junit_xml(out.documents));
  return out;
}

}  // namespace waybill::driver
