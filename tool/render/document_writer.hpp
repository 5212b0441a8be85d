#pragma once
// The writers' entry point: one read (and perhaps executed) document in, its HTML,
// LaTeX or PDF out. The document is parsed once, and its bibliography and
// cross-references made once, for every format it is written to.
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/project_paths.hpp"

namespace waybill {
class Reporter;
}
namespace waybill::doc {
struct Document;
}
namespace waybill::exec {
struct Results;
}

namespace waybill::render {

struct PageLayout;  // render/page_layout.hpp

struct WriteOptions {
  std::string output_dir;     // empty: beside the input
  std::string template_path;  // overrides the front matter's `template:`
  bool self_contained = false;
  std::string grants;         // what the command line allowed, as the provenance panel says it
  const PageLayout* layout = nullptr;  // a site's page; null for a plain render
};

struct RenderedOutput {
  std::string document;
  std::string format;
  std::string path;
  double milliseconds = 0;
  std::string text;  // --dry-run: the plan, for standard output
};

class DocumentWriter {
 public:
  // `input` is the document's file as given; `roots` what it may read beneath (its
  // template and bibliography). Made before any cell runs, so that a missing .bib stops
  // the render first; the results come later, through use_results().
  DocumentWriter(const doc::Document& doc, const std::filesystem::path& input, const PathRoots& roots,
                 const WriteOptions& options, Reporter& reporter);
  ~DocumentWriter();

  // The results of the document's cells, once they ran (before the first write); without
  // them the cells are shown as not executed.
  void use_results(const exec::Results* results);

  // The formats to write: `requested` (--to), else the front matter's, else html.
  std::vector<std::string> formats(const std::vector<std::string>& requested) const;

  // Writes one format; nothing is ever half-written.
  RenderedOutput write(const std::string& format);

  // The folder the outputs went to, for the provenance record beside them.
  std::filesystem::path output_folder() const;
  // What the writes read and wrote, for the provenance record.
  const std::set<std::filesystem::path>& templates_read() const;
  const std::vector<std::filesystem::path>& bibliography_files() const;
  const std::vector<std::filesystem::path>& assets_written() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waybill::render
