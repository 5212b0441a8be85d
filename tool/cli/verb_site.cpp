// waybill site [DIR]: a folder of documents as one static site.
#include <unistd.h>

#include "modules/document_api.hpp"
#include "cli/trust_flags.hpp"
#include "cli/verbs.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::cli {

namespace {

struct SiteFlags {
  site::SiteRequest request;
  bool serve = false;
  int port = 8000;
  bool quiet = false;
  TrustFlags trust;
  std::string memory, time;
};

// --mem and --time as people write them; Usage errors name the flag.
void parse_batch_units(SiteFlags& f) {
  if (!f.memory.empty()) {
    auto bytes = parse_byte_size(f.memory);
    if (!bytes || *bytes == 0)
      throw Error(ErrorKind::Usage, "invalid --mem `" + f.memory + "`", {}, "write a size, e.g. --mem 4g");
    f.request.batch.memory_bytes = *bytes;
  }
  if (!f.time.empty()) {
    auto d = parse_duration(f.time);
    if (!d || d->count() < 1000)
      throw Error(ErrorKind::Usage, "invalid --time `" + f.time + "`", {}, "write a duration, e.g. --time 2h or --time 90m");
    f.request.batch.time_seconds = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  }
  if (!f.request.batch.attach.empty()) {
    if (f.request.batch.attach.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorKind::Usage, "invalid --attach `" + f.request.batch.attach + "`", {},
                  "give the job id that --detach printed, e.g. --attach 81234");
    if (f.request.batch.detach) throw Error(ErrorKind::Usage, "--attach and --detach do not go together");
    f.request.batch.on = "slurm";
  }
  if (f.request.batch.on.empty() && (f.request.batch.detach ||
      (!f.request.batch.partition.empty() || !f.request.batch.account.empty() || !f.request.batch.qos.empty() ||
       !f.request.batch.sbatch.empty() || f.request.batch.cpus || f.request.batch.memory_bytes ||
       f.request.batch.time_seconds)))
    throw Error(ErrorKind::Usage, "the Slurm options need --on slurm", {}, "add --on slurm, or leave them out");
}

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
  auto* on = sub.add_option("--on", f->request.batch.on,
                            "Render the pages on a cluster: `slurm` submits one job array, a task per page to render, "
                            "with the images built once here into the shared store (WAYBILL_HOME)")
                 ->check(CLI::IsMember({"slurm"}))
                 ->group("Scale-out");
  (void)on;
  sub.add_option("--partition", f->request.batch.partition, "Slurm partition for the tasks")->group("Scale-out");
  sub.add_option("--account", f->request.batch.account, "Slurm account the tasks are charged to")->group("Scale-out");
  sub.add_option("--qos", f->request.batch.qos, "Slurm quality of service")->group("Scale-out");
  sub.add_option("--cpus-per-task", f->request.batch.cpus, "CPUs each task asks for")->group("Scale-out");
  sub.add_option("--mem", f->memory, "Memory each task asks for (4g, 512m)")->group("Scale-out");
  sub.add_option("--time", f->time, "Time limit of each task (90m, 2h)")->group("Scale-out");
  sub.add_option("--sbatch", f->request.batch.sbatch, "One more sbatch argument, whole (--sbatch=--constraint=avx2); repeatable")
      ->allow_extra_args(false)
      ->group("Scale-out");
  sub.add_flag("--detach", f->request.batch.detach,
               "Submit the job, print its id and return; `--attach JOBID` follows it and writes the site")
      ->group("Scale-out");
  sub.add_option("--attach", f->request.batch.attach,
                 "Follow a job submitted with --detach until it ends, then write the site (implies --on slurm)")
      ->type_name("JOBID")
      ->group("Scale-out");
  sub.add_option("--task-plan", f->request.task_plan, "Internal: run one task of a submitted batch")
      ->group("")
      ->type_name("FILE");
  add_trust_flags(sub, f->trust);
  return [f, &global]() -> int {
    ConsoleReporter console(global.quiet || f->quiet, !global.no_color && stderr_has_color());
    try {
      if (f->request.no_cache && f->request.refresh)
        throw Error(ErrorKind::Usage, "--no-cache and --refresh do not go together", {},
                    "--no-cache runs every cell and keeps nothing; --refresh runs every cell and stores the results");
      f->request.grants = f->trust.grants();
      parse_batch_units(*f);
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
