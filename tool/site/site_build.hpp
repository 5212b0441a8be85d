#pragma once
// `waybill site DIR`: a folder of documents to one static site. The build, as passes:
//   1. read waybill.yml and every page (cheap: no cell runs);
//   2. check links and cross-references between pages (errors at their place);
//   3. key each page by everything its output depends on, and keep the pages whose key
//      and output are unchanged since the last build;
//   4. build the site's images once, then render the other pages, --jobs at a time,
//      each in a process of its own (a page that fails stops only itself);
//   5. write what spans pages: the search index, the home and provenance pages, the
//      shared assets, each only when its bytes changed; then the state for step 3.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "plan/trust.hpp"
#include "batch/batch_request.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::site {

using batch::BatchRequest;

struct SiteRequest {
  std::string dir = ".";
  std::string output;        // overrides waybill.yml's `output:`
  unsigned jobs = 0;         // pages rendered at once; 0: one per core
  bool no_cache = false;     // run every cell, keeping no result
  bool refresh = false;      // run every cell, and store the results
  bool no_execute = false;   // show code only
  std::string stats_file;    // JSON: pages rendered, unchanged and failed; cells run and cached
  plan::Grants grants;       // what the command line allows the pages (plan/trust.hpp)
  BatchRequest batch;
  // A task of a batch: render the page WAYBILL_TASK_INDEX of this plan (its grants and
  // cache flags replace the request's), leave the result beside it, and write nothing else.
  std::string task_plan;
};

struct SiteOutcome {
  std::string output;                   // the site's folder
  size_t pages = 0;
  std::vector<std::string> rendered;    // pages rendered in this build, by path
  std::vector<std::string> failed;
  size_t unchanged = 0;
  std::vector<std::string> written;     // files written (pages and site files), relative to the output
  std::vector<std::string> removed;     // pages of earlier builds no longer in the site
  size_t cells_run = 0, cells_cached = 0, images_built = 0;
  std::string job;                      // the batch job left running by --detach
  double milliseconds = 0;
  // The rendered pages' time by stage (driver/stage_times.hpp), summed over the pages.
  std::map<std::string, double> timings;
};

// Throws Error for what stops the whole site (a broken waybill.yml, a site image that
// does not build); a failing page is reported, its old output left as it was, and the
// build goes on; the outcome lists it and the caller exits 1.
SiteOutcome build_site(const SiteRequest& request, Reporter& reporter);

}  // namespace waybill::site
