// waybill site [DIR]: a folder of documents as one static site.
#include <unistd.h>

#include "modules/document_api.hpp"
#include "cli/batch_flags.hpp"
#include "cli/trust_flags.hpp"
#include "cli/verbs.hpp"
#include "util/strings.hpp"

namespace waybill::cli {

namespace {

struct SiteFlags {
  site::SiteRequest request;
  bool serve = false;
  int port = 8000;
  bool quiet = false;
  TrustFlags trust;
  BatchFlags batch;
};

}  // namespace

VerbRunner add_site(CLI::App& sub, GlobalOptions& global) {
  auto f = std::make_shared<SiteFlags>();
  sub.description(
      "Publish a folder of waybill documents as one static site: a sidebar with sections, previous and next "
      "links, a table of contents per page, offline full-text search, and a provenance page listing every image, "
      "dataset and page record. waybill.yml at the folder's root gives the title, the page order, the output folder "
      "(default _site) and defaults for every page (front matter, execute options, a manifest, shared images). "
      "Images several pages share are built once; pages render in parallel; a rebuild renders only the pages whose "
      "text, images, data or inputs changed. Broken links between pages are errors at their place.");
  sub.add_option("dir", f->request.dir, "The project folder (default: the current one)");
  sub.add_option("-o,--output", f->request.output, "Write the site here instead of waybill.yml's output");
  sub.add_option("-j,--jobs", f->request.jobs, "Pages rendered at once (default: the number of cores)")
      ->check(CLI::Range(1u, 256u));
  sub.add_flag("--no-cache", f->request.no_cache, "Run every cell again, reading and writing no cached result");
  sub.add_flag("--refresh", f->request.refresh, "Run every cell again and overwrite its cached result");
  sub.add_flag("--no-execute", f->request.no_execute, "Show code only: build no image and run no cell");
  sub.add_option("--stats", f->request.stats_file,
                 "Write JSON: pages rendered, unchanged and failed, files written, cells run and cached")
      ->type_name("FILE");
  sub.add_flag("--serve", f->serve,
               "Serve the site on 127.0.0.1 and build it again when a file changes (pages in a browser reload)");
  sub.add_option("--port", f->port, "The port for --serve (default 8000; 0 picks a free one)")->check(CLI::Range(0, 65535));
  sub.add_flag("-q,--quiet", f->quiet, "Print no progress, only warnings and errors");
  add_batch_flags(sub, f->batch, "page to render", true);
  add_trust_flags(sub, f->trust);
  return [f, &global]() -> int {
    ConsoleReporter console(global.quiet || f->quiet, !global.no_color && stderr_has_color());
    try {
      if (f->request.no_cache && f->request.refresh)
        throw Error(ErrorKind::Usage, "--no-cache and --refresh do not go together", {},
                    "--no-cache runs every cell and keeps nothing; --refresh runs every cell and stores the results");
      f->request.grants = f->trust.grants();
      f->request.batch = f->batch.finish();
      f->request.task_plan = f->batch.task_plan;
      if (f->serve) {
        site::ServeOptions options;
        options.port = f->port;
        document_module::serve(f->request, options, console);
        return 0;
      }
      site::SiteOutcome outcome = document_module::site(f->request, console);
      if (!outcome.job.empty()) {
        std::printf("%s\n", outcome.job.c_str());  // for scripts: JOB=$(waybill site . --on slurm --detach)
        return 0;
      }
      console.status("site " + outcome.output + ": " + std::to_string(outcome.rendered.size()) + " of " +
                     std::to_string(outcome.pages) + " pages rendered, " + std::to_string(outcome.unchanged) +
                     " unchanged" + (outcome.failed.empty() ? "" : ", " + std::to_string(outcome.failed.size()) + " failed") +
                     " (" + format_duration_ms(outcome.milliseconds) + ")");
      if (!outcome.failed.empty()) return 1;
      return 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
