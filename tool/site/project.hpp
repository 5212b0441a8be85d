#pragma once
// A site project: a folder of waybill documents with a waybill.yml at its root that
// gives the site's title, the order of its pages (in sections), the output folder, the
// defaults every page starts from (front matter, cell options, a manifest) and the
// images pages share. Read and validated here; errors point into waybill.yml.
//
//   title: Containers for scientists
//   output: _site                      # default _site, relative to the folder
//   pages:
//     - index.md
//     - section: Basics
//       pages: [lessons/containers.md, lessons/data.md]
//   defaults:
//     front-matter: {lang: en}
//     execute: {warning: false}        # cell options for every cell
//     manifest: {languages: {python: {image: course}}}
//   images:
//     course: |                        # a Dockerfile, built once for every page
//       FROM debian:bookworm
//     tools: {file: env/Dockerfile}    # or a file (its folder is the build context)
//   data:
//     course-data: data                # a folder, packed into a data image when it changed
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/project_paths.hpp"
#include "doc/input_formats.hpp"
#include "doc/meta.hpp"
#include "plan/plan.hpp"
#include "batch/batch_request.hpp"
#include "util/source_loc.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::site {

struct PageEntry {
  std::string path;     // relative to the project root, '/'-separated: "lessons/data.md"
  std::string section;  // "" for a page outside any section
  SourceLoc loc;        // where waybill.yml lists it (unknown when found by a walk)
};

struct ProjectImage {
  plan::ImagePlan plan;           // name, Dockerfile text, first line, location, tag
  std::filesystem::path context;  // the build context
};

// A dataset the site publishes as a data image (image pack-data) before its pages run.
struct ProjectData {
  std::string name;             // the image's name, as manifests mount it
  std::filesystem::path dir;
  SourceLoc loc;
};

struct Project {
  std::filesystem::path root;     // the project folder
  std::filesystem::path config;   // root / "waybill.yml"
  std::string config_text;
  std::string title;
  std::filesystem::path output;   // absolute
  std::vector<PageEntry> pages;   // in reading order
  doc::MetaValue front_matter;    // `defaults.front-matter`, with `defaults.execute` as its `execute`
  std::optional<plan::Manifest> manifest;
  std::vector<ProjectImage> images;
  std::vector<ProjectData> data;
  batch::BatchRequest slurm;             // `slurm:`: what each task of `--on slurm` asks for

  plan::PlanDefaults plan_defaults() const;
  std::filesystem::path page_file(const PageEntry& page) const { return root / page.path; }
};

// Reads DIR/waybill.yml (a folder without one is a site of every document in it, in
// name order, index first). `output` (the command line's) overrides the file's
// `output:`. Everything the file names (pages, data folders, Dockerfiles, its output)
// lies beneath `roots` (util/project_paths.hpp), links included. Throws Error(Document)
// at the offending key, Error(Usage) for a folder that does not exist.
Project load_project(const std::filesystem::path& dir, const std::string& output, const PathRoots& roots,
                     Reporter& reporter);

// Markdown, R Markdown and Quarto: the files a site renders (doc/input_formats.hpp).
using doc::is_document_path;

}  // namespace waybill::site
