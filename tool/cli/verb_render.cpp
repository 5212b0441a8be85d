// waybill render FILE... : documents to HTML, LaTeX or PDF.
#include <unistd.h>

#include <filesystem>

#include "modules/document_api.hpp"
#include "cli/batch_flags.hpp"
#include "cli/trust_flags.hpp"
#include "cli/verbs.hpp"
#include "doc/input_formats.hpp"
#include "util/strings.hpp"

namespace waybill::cli {

namespace {

struct RenderFlags {
  std::vector<std::string> files;
  std::vector<std::string> to;
  std::string output_dir;
  std::string template_path;
  bool self_contained = false;
  bool quiet = false;
  bool dry_run = false;
  bool no_execute = false;
  bool no_cache = false;
  bool refresh = false;
  std::string stats_file;
  bool timings = false;
  bool lock = false;
  std::string sign_key;
  TrustFlags trust;
  BatchFlags batch;
};

driver::RenderRequest to_request(const RenderFlags& f) {
  driver::RenderRequest r;
  for (const auto& file : f.files) {
    if (!std::filesystem::exists(file))
      throw Error(ErrorKind::Usage, "no such file: " + file, {}, std::string("give the path of a ") + doc::kDocumentExtensions + " document");
    r.files.push_back(file);
  }
  // The driver checks the names against the one table of formats (doc/output_format.hpp).
  for (const auto& list : f.to)
    for (auto part : split(list, ',')) r.formats.emplace_back(trim(part));
  r.output_dir = f.output_dir;
  r.template_path = f.template_path;
  r.self_contained = f.self_contained;
  r.dry_run = f.dry_run;
  r.no_execute = f.no_execute;
  r.no_cache = f.no_cache;
  r.refresh = f.refresh;
  if (r.no_cache && r.refresh)
    throw Error(ErrorKind::Usage, "--no-cache and --refresh do not go together", {},
                "--no-cache runs every cell and keeps nothing; --refresh runs every cell and stores the results");
  r.stats_file = f.stats_file;
  r.timings = f.timings;
  r.lock = f.lock;
  if (r.lock && r.no_execute)
    throw Error(ErrorKind::Usage, "--lock and --no-execute do not go together", {},
                "a lock records what the cells printed, so they must run");
  r.sign_key = f.sign_key;
  r.grants = f.trust.grants();
  r.batch = f.batch.finish();
  r.task_plan = f.batch.task_plan;
  if (r.files.empty() && r.task_plan.empty())
    throw Error(ErrorKind::Usage, "no document to render", {}, "give the documents: waybill render paper.md");
  r.exiting_after = true;  // the CLI returns from main right after
  return r;
}

}  // namespace

VerbRunner add_render(CLI::App& sub, GlobalOptions& global) {
  auto flags = std::make_shared<RenderFlags>();
  sub.description(
      "Render documents to HTML, LaTeX or PDF. The document's Dockerfile blocks are built into images, and its "
      "code cells run inside them, one session per image and language; results are cached by content, so a "
      "re-render runs only what changed. Without --to, the formats come from the front matter (`format:` or "
      "`output:`), else HTML. Output goes beside each input as NAME.html (or .tex, .pdf), with assets in "
      "NAME_files/.");
  sub.add_option("files", flags->files, "Markdown, R Markdown or Quarto documents");
  sub.add_option("--to", flags->to, "Output format: html, latex or pdf (repeat or comma-separate for several)");
  sub.add_option("-o,--output-dir", flags->output_dir, "Write outputs to this directory instead of beside the input");
  sub.add_option("--template", flags->template_path, "A mustache template to use instead of the default");
  sub.add_flag("--self-contained", flags->self_contained,
               "Write one HTML file with styles, scripts, fonts and images embedded");
  sub.add_flag("-q,--quiet", flags->quiet, "Print no progress, only warnings and errors");
  sub.add_flag("--no-execute", flags->no_execute,
               "Show the code only: build no image and run no cell");
  sub.add_flag("--no-cache", flags->no_cache,
               "Run every cell again, without reading or writing cached results (images still come from the build cache)");
  sub.add_flag("--refresh", flags->refresh, "Run every cell again and overwrite its cached result");
  sub.add_option("--stats", flags->stats_file,
                 "Write JSON counts of images built, boxes started, cells run and cells cached to FILE")
      ->type_name("FILE");
  sub.add_flag("--timings", flags->timings,
               "Print the time spent reading, planning, building images, running cells and writing (--stats "
               "records the same under `timings`)");
  sub.add_flag("--lock", flags->lock,
               "Also write NAME.waybill.lock beside the document: what every cell printed (normalised) and the "
               "hashes of its results, of the images and of the inputs, for `waybill check` (the front matter's "
               "`waybill: {lock: true}` does the same)");
  sub.add_option("--sign", flags->sign_key,
                 "Sign the provenance record NAME.provenance.json with this Ed25519 private key (a DSSE envelope; "
                 "make a key with `waybill key generate`)")
      ->type_name("KEY")
      ->check(CLI::ExistingFile);
  add_trust_flags(sub, flags->trust);
  add_batch_flags(sub, flags->batch, "document", false);
  sub.add_flag("--dry-run", flags->dry_run, "Print the plan (the images to build, the sessions and their cells) and "
                                            "stop; a wrong manifest is reported here");
  return [flags, &global]() -> int {
    ConsoleReporter console(global.quiet || flags->quiet, !global.no_color && stderr_has_color());
    try {
      driver::RenderRequest request = to_request(*flags);
      std::vector<driver::RenderedOutput> outputs = document_module::render(request, console);
      for (const auto& o : outputs)
        if (o.format == "plan") std::fprintf(stdout, "%s:\n%s", o.document.c_str(), o.text.c_str());
      return 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
