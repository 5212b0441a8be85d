#pragma once
// `waybill render`: the one chain of a document's journey, read → plan → build and run
// → write → record. The site's pages, `preview` and `check` (driver/check.hpp) go
// through the same prepare and execute.
#include <string>
#include <vector>

#include "batch/batch_request.hpp"
#include "plan/trust.hpp"
#include "render/document_writer.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

struct PageContext;    // driver/page_context.hpp
class ProjectLookup;  // driver/project_lookup.hpp

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
  std::string stats_file;     // write counts (images built, boxes, cells run and cached) and stage times as JSON
  bool timings = false;       // report the time spent in each stage
  bool lock = false;          // write NAME.waybill.lock beside each document (also `waybill: {lock: true}`)
  std::string sign_key;       // sign the provenance record (a DSSE envelope) with this Ed25519 key
  // The caller exits right after rendering: leave the parsed documents to the process's
  // end instead of freeing them piece by piece (as compilers do with -disable-free).
  bool exiting_after = false;
  const PageContext* page = nullptr;  // a page of a `waybill site` (set by tool/site only)
  // Otherwise: finds the project a document is a page of, if any (null: none is looked for).
  ProjectLookup* projects = nullptr;
  plan::Grants grants;                // what the command line allows documents (plan/trust.hpp)
  batch::BatchRequest batch;          // --on slurm: one task per document (driver/document_batch.hpp)
  std::string task_plan;              // a task of such a batch: render the document WAYBILL_TASK_INDEX names
};

using render::RenderedOutput;

// Renders every file to every format. Throws Error at the first document that fails;
// what was written before stays written, and nothing is ever half-written.
std::vector<RenderedOutput> render_documents(const RenderRequest& request, Reporter& reporter);

}  // namespace waybill::driver
