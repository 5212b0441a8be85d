#pragma once
// The documents waybill reads, in one place: Markdown, R Markdown, Quarto and Jupyter files, by
// extension (case-insensitive). Header-only, so the CLI can tell a document from a
// Dockerfile without linking the readers.
#include <filesystem>
#include <string>

namespace waybill::doc {

// For hints: "a .md, .Rmd or .qmd document".
inline constexpr const char* kDocumentExtensions = ".md, .Rmd, .qmd or .ipynb";
inline constexpr const char* kDocumentKinds = "Markdown (.md), R Markdown (.Rmd), Quarto (.qmd) and Jupyter (.ipynb)";

inline bool is_document_path(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext == ".md" || ext == ".rmd" || ext == ".qmd" || ext == ".markdown" || ext == ".ipynb";
}

}  // namespace waybill::doc
