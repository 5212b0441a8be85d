#pragma once
// The render stage's entry point: documents in, output files out.
#include <string>
#include <vector>

#include "plan/trust.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::render {

struct SitePage;  // render/site_page.hpp

struct RenderRequest {
  std::vector<std::string> files;
  std::vector<std::string> formats;   // html, latex, pdf; empty: the front matter's, else html
  std::string output_dir;             // empty: beside each input
  std::string template_path;          // overrides the front matter's `template:`
  bool self_contained = false;
  // Print the plan (images to build, sessions and their cells) instead of rendering.
  bool dry_run = false;
  // Show code only: build no image and run no cell.
  bool no_execute = false;
  bool no_cache = false;      // run every cell, reading and writing no cached result
  bool refresh = false;       // run every cell, and overwrite the cached results
  std::string stats_file;     // write counts (images built, boxes, cells run and cached) as JSON
  bool lock = false;          // write NAME.waybill.lock beside each document (also `waybill: {lock: true}`)
  std::string sign_key;       // sign the provenance record (a DSSE envelope) with this Ed25519 key
  bool compact_progress = false;  // stderr is a terminal: builds draw one line per step
  // The caller exits right after rendering: leave the parsed documents to the process's
  // end instead of freeing them piece by piece (as compilers do with -disable-free).
  bool exiting_after = false;
  const SitePage* site_page = nullptr;  // a page of a `waybill site` (set by tool/site only)
  plan::Grants grants;                  // what the command line allows documents (plan/trust.hpp)
};

struct RenderedOutput {
  std::string document;
  std::string format;
  std::string path;
  double milliseconds = 0;
  std::string text;  // --dry-run: the plan, for standard output
};

// Renders every file to every format. Throws Error at the first document that fails;
// what was written before stays written, and nothing is ever half-written.
std::vector<RenderedOutput> render_documents(const RenderRequest& request, Reporter& reporter);

}  // namespace waybill::render
