#pragma once
// A Jupyter notebook (nbformat 4) read into the same Document as a Markdown file, the
// way Quarto reads one: Markdown cells are Markdown, code cells are executable cells in
// the kernel's language, and the document's front matter comes from a first raw cell
// that holds YAML (`---` ... `---`) or else from the notebook's metadata (title,
// authors, and a `waybill` key for this tool's settings). The environment is what a
// Markdown file's is: Dockerfile and manifest blocks in Markdown cells, or a manifest in
// the metadata (`"waybill": {"manifest": {...}}`).
//
// Cell tags say what Quarto's `#|` options say (remove-input, remove-output,
// remove-cell, raises-exception, skip-execution); `#|` lines in a cell work as in a
// .qmd. Stored outputs are kept per cell (Cell::stored_outputs) for a render that does
// not execute. Positions are the notebook's own lines: an error in a cell's third line
// points at that line of the .ipynb.
#include <filesystem>
#include <string>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

inline bool is_notebook_path(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext == ".ipynb";
}

// Throws Error(Document) at its place for text that is not a notebook of nbformat 4.
Document parse_notebook(std::string path, std::string text, Reporter& reporter, const MetaValue* defaults = nullptr);

}  // namespace waybill::doc
