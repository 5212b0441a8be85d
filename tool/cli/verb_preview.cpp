// waybill preview DOC: render, serve on 127.0.0.1, render again on every save.
#include <unistd.h>

#include <filesystem>

#include "modules/document_api.hpp"
#include "cli/trust_flags.hpp"
#include "cli/verbs.hpp"
#include "doc/input_formats.hpp"

namespace waybill::cli {

namespace {

struct PreviewFlags {
  std::string file;
  std::string output_dir;
  std::string template_path;
  int port = 8000;
  bool no_execute = false;
  bool refresh = false;
  bool quiet = false;
  TrustFlags trust;
};

}  // namespace

VerbRunner add_preview(CLI::App& sub, GlobalOptions& global) {
  auto f = std::make_shared<PreviewFlags>();
  sub.description(
      "Preview a document while you write it: render it to HTML, serve it on 127.0.0.1, and render it again "
      "whenever a file in its folder changes; the page open in a browser reloads. Cells run again only when their "
      "code, the cells before them, their image or their inputs change. The HTML goes to a temporary folder "
      "(or -o DIR), so the document's own outputs are left as they are. Ctrl-C stops.");
  sub.add_option("file", f->file, "The Markdown, R Markdown or Quarto document")->required();
  sub.add_option("--port", f->port, "The port (default 8000; 0 picks a free one)")->check(CLI::Range(0, 65535));
  sub.add_option("-o,--output-dir", f->output_dir, "Render into this folder instead of a temporary one");
  sub.add_option("--template", f->template_path, "A mustache template to use instead of the default");
  sub.add_flag("--no-execute", f->no_execute, "Show the code only: build no image and run no cell");
  sub.add_flag("--refresh", f->refresh, "Run every cell again on the first render, and overwrite its cached result");
  sub.add_flag("-q,--quiet", f->quiet, "Print no progress, only warnings and errors");
  add_trust_flags(sub, f->trust);
  return [f, &global]() -> int {
    ConsoleReporter console(global.quiet || f->quiet, !global.no_color && stderr_has_color());
    try {
      if (!std::filesystem::exists(f->file))
        throw Error(ErrorKind::Usage, "no such file: " + f->file, {}, std::string("give the path of a ") + doc::kDocumentExtensions + " document");
      driver::RenderRequest r;
      r.files = {f->file};
      r.output_dir = f->output_dir;
      r.template_path = f->template_path;
      r.no_execute = f->no_execute;
      r.refresh = f->refresh;
      r.grants = f->trust.grants();
      site::ServeOptions options;
      options.port = f->port;
      document_module::preview(r, options, console);
      return 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
