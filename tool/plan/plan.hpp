#pragma once
// What rendering a document will do, before anything runs (ninja's Plan): the images to
// build from its Dockerfile blocks, and the sessions its cells run in, one per (image,
// language), each with its cells in document order. Pure data, computed from the
// document alone; `waybill render --dry-run` prints it.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "doc/model.hpp"
#include "plan/manifest.hpp"
#include "util/error.hpp"

namespace waybill::plan {

// The name of a document's only Dockerfile block when it has none.
inline constexpr const char* kDefaultImage = "default";

struct ImagePlan {
  std::string name;        // the block's #name
  std::string dockerfile;
  int first_line = 0;      // in the document, for build errors
  SourceLoc loc;
  // A site's image (waybill.yml): built once for every page by the site, before the
  // pages run. Empty for a document's own block, built from the document's folder.
  std::string prebuilt_tag;
};

// An inline expression (`r x`, `{python} x`): evaluated in its language's session at
// its place in the text, and its value put there.
struct InlinePlan {
  std::string language;
  std::string code;
  doc::Pos pos;
};

// What a session runs, in document order: a cell (an index into Document::cells) or an
// inline expression (an index into Plan::inlines).
struct SessionStep {
  enum class Kind { Cell, Inline } kind = Kind::Cell;
  size_t index = 0;
  doc::Pos pos;
};

struct SessionPlan {
  std::string image;                 // a Dockerfile block's name or an image in the store
  std::string language;              // lower case
  std::vector<std::string> command;  // the manifest's interpreter command; empty: the driver's
  std::string kernel;                // the manifest's Jupyter kernel; empty: waybill's driver
  std::vector<size_t> cells;         // indexes into Document::cells, in document order
  std::vector<SessionStep> steps;    // cells and inline expressions, in document order
};

struct Plan {
  Manifest manifest;
  bool has_manifest = false;  // the document's own, or a site's default
  std::vector<ImagePlan> images;
  std::vector<SessionPlan> sessions;
  std::vector<InlinePlan> inlines;
  // Per cell of the document: its session, or nullopt when it is not run (eval: false,
  // or a document that declares no image at all).
  std::vector<std::optional<size_t>> cell_session;
  // What the caller should tell the user: cells that cannot run, and why.
  std::vector<Diagnostic> warnings;

  const ImagePlan* image_block(const std::string& name) const;
};

// What a site gives every page (site/project.hpp): a manifest under the page's own, and
// images (Dockerfiles in waybill.yml) beside the page's blocks.
struct PlanDefaults {
  std::optional<Manifest> manifest;
  std::vector<ImagePlan> images;  // a page's block of the same name wins
};

// The page's manifest over the defaults: languages, env, limits and bases key by key;
// inputs and mounts added (a page's mount replaces one at the same target); network
// when the page sets it.
Manifest merge_manifests(const Manifest& defaults, const Manifest& page, const doc::MetaValue& page_value);

// Throws Error(Document) located at the cell, option or manifest key at fault.
Plan make_plan(const doc::Document& document, const PlanDefaults* defaults = nullptr);

// A human-readable listing of the plan, one line per image and session.
std::string describe_plan(const Plan& plan, const doc::Document& document);

}  // namespace waybill::plan
