#pragma once
// The doc stage's entry point: text in, Document out.
#include <cstddef>
#include <filesystem>
#include <string>

#include "doc/model.hpp"
#include "util/project_paths.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

// The largest document waybill reads: 16 MiB of text.
inline constexpr size_t kMaxDocumentBytes = 16u << 20;

// Parses a document. `path` is used in messages and as Document::path. Errors throw
// Error(Document) with their location; warnings go to `reporter`.
// `defaults`: front matter every page of a site starts from (the page's keys win).
Document parse_document(std::string path, std::string source, Reporter& reporter,
                        const MetaValue* defaults = nullptr);

// Reads and parses a file; `display` (default: the path as given) names it in messages.
// A Jupyter notebook (.ipynb) is read as one (doc/notebook.hpp); `{{< include >}}` lines
// are expanded (doc/includes.hpp) with files beneath `roots` (default: the file's folder).
Document read_document(const std::filesystem::path& file, Reporter& reporter, std::string display = {},
                       const MetaValue* defaults = nullptr, const PathRoots* roots = nullptr);

// The text of inlines without markup, for anchors, alt text and the TOC.
std::string plain_text(const std::vector<Inline>& inlines);

}  // namespace waybill::doc
