#pragma once
// The exec stage: a document's plan in, its results out. Images are built (or found),
// then each session runs its steps (cells and inline expressions) in document order in
// one box. Results are cached by key (plan/cache_key.hpp): a session whose steps are
// all cached starts no box. When a step must run and earlier ones were cached, the
// earlier ones are replayed first (run again, their cached results kept) to rebuild the
// session's state, as a notebook would have it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doc/model.hpp"
#include "exec/cell_result.hpp"
#include "exec/images.hpp"
#include "plan/cache_key.hpp"
#include "plan/plan.hpp"
#include "plan/trust.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::exec {

class ExecBackend;  // exec/backend.hpp

// How cells run, as the command asks: the same for every document of a render or check.
struct RunPolicy {
  bool no_cache = false;          // neither read nor write cached cell results
  bool refresh = false;           // run every step and overwrite its cached result
  // `waybill check`: a failing cell is a result to compare, not the end of the run (and
  // is not cached); images may be built without the build cache, bases obtained again.
  bool keep_going = false;
  // Build the images and look every step up in the cache, but run none: what would run
  // is counted in ExecStats::steps_to_run (a batch's submitter asks this, issue 21).
  bool probe = false;
  BuildPolicy build;
};

struct ExecSettings {
  std::filesystem::path doc_dir;  // as given; "" is the current directory
  std::string doc_path;           // for messages and tracebacks
  RunPolicy policy;
  const std::map<std::string, DocumentImage>* prepared_images = nullptr;  // a site's (ImageSettings::prepared)
  // What the command line allows (plan/trust.hpp), and the project folder it is
  // relative to; null grants allow nothing beyond the defaults.
  const plan::Grants* grants = nullptr;
  std::filesystem::path project;  // "" is doc_dir
  // What builds images and runs boxes (exec/backend.hpp); null: the real one.
  ExecBackend* backend = nullptr;
};

// What a render did, for `--stats` and for tests of the cache.
struct ExecStats {
  size_t images_built = 0;   // images whose build ran at least one step
  size_t images_cached = 0;  // images whose every step came from the build cache
  size_t boxes_started = 0;
  size_t cells_run = 0, cells_cached = 0, cells_replayed = 0;
  size_t inline_run = 0, inline_cached = 0;
  size_t steps_to_run = 0;  // RunPolicy::probe: the steps a real run would run
  // Where the time went: obtaining images (and hashing inputs), and running sessions.
  double images_ms = 0, sessions_ms = 0;

  nlohmann::json to_json() const;  // the counts
};

// An inline expression, the image its session ran in, and its result.
struct InlineRun {
  plan::InlinePlan expression;
  std::string image;
  std::optional<CellResult> result;  // nullopt: not run
};

struct Results {
  std::vector<std::optional<CellResult>> cells;  // per Document::cells; nullopt: not run
  std::vector<std::string> cell_images;          // per cell, the image it ran in ("" when it did not run)
  std::vector<InlineRun> inlines;                // per Plan::inlines
  std::map<std::string, DocumentImage> images;
  std::vector<DataImage> data;  // the manifest's image mounts, in its order
  plan::DeclaredInputs inputs;
  ExecStats stats;

  const CellResult* cell(size_t index) const;
  const CellResult* inline_at(doc::Pos pos) const;
};

// Throws Error: Cell for a failing cell whose `error` option is false (located at the
// failing line, with the traceback), a session that died, a timeout or an interrupt;
// Document for what the plan could not know (a mount that does not exist).
Results execute(const doc::Document& document, const plan::Plan& plan, const ExecSettings& settings,
                Reporter& reporter);

// "cell 'setup'", or "the python cell at line 40" for a cell without a label.
std::string describe_cell(const doc::Cell& cell);

}  // namespace waybill::exec
