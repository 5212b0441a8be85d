// waybill check DOC... : re-run documents and compare with their lock files (CI).
#include <unistd.h>

#include <cstdio>

#include "modules/document_api.hpp"
#include "cli/batch_flags.hpp"
#include "cli/trust_flags.hpp"
#include "cli/verbs.hpp"

namespace waybill::cli {

namespace {

struct CheckFlags {
  driver::CheckRequest request;
  bool quiet = false;
  TrustFlags trust;
  BatchFlags batch;
};

}  // namespace

VerbRunner add_check(CLI::App& sub, GlobalOptions& global) {
  auto flags = std::make_shared<CheckFlags>();
  sub.description(
      "Re-run documents and compare every cell's outputs, every image digest and every declared input with the "
      "document's lock file (NAME.waybill.lock, written by `waybill render --lock`). Cells always run again; "
      "text is compared exactly after normalisation unless a cell says otherwise (`#| check: {ignore: REGEX, "
      "tolerance: 1e-6, pixels: 0.01}`), figures by hash. Prints a report per cell (passed, drifted with a "
      "unified diff, failed) and exits 4 when anything drifted.");
  sub.add_option("files", flags->request.files, "Documents with a lock file beside them")->check(CLI::ExistingFile);
  sub.add_option("--junit", flags->request.junit_file, "Also write a JUnit XML report to FILE (one test case per cell)")
      ->type_name("FILE");
  sub.add_flag("--no-cache", flags->request.no_cache,
               "Build the images without the build cache (every RUN again), and store no cell result");
  sub.add_flag("--rebuild", flags->request.rebuild,
               "Rebuild the images from scratch: --no-cache, and every base with a recipe in the manifest "
               "bootstrapped or loaded again, so a changed upstream base shows as drift");
  sub.add_flag("-q,--quiet", flags->quiet, "Print no progress, only warnings, errors and the report");
  add_trust_flags(sub, flags->trust);
  add_batch_flags(sub, flags->batch, "document", false);
  return [flags, &global]() -> int {
    ConsoleReporter console(global.quiet || flags->quiet, !global.no_color && stderr_has_color());
    try {
      driver::CheckRequest req = flags->request;
      req.grants = flags->trust.grants();
      req.batch = flags->batch.finish();
      req.task_plan = flags->batch.task_plan;
      if (req.files.empty() && req.task_plan.empty())
        throw Error(ErrorKind::Usage, "no document to check", {}, "give the documents: waybill check paper.md");
      req.color = !global.no_color && ::isatty(STDOUT_FILENO);
      driver::CheckOutcome outcome = document_module::check(req, console);
      std::fputs(outcome.report.c_str(), stdout);
      std::fflush(stdout);
      if (outcome.error) return report_error(*outcome.error, global);
      return outcome.drifted ? exit_code_for(ErrorKind::Drift) : 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
