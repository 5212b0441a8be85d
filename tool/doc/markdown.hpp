#pragma once
// The Markdown reader: cmark-gfm (with tables, strikethrough, autolinks, task lists,
// footnotes and our math extension) parses; this converts its tree into the model and
// recognises what cmark does not know: cells, Dockerfile and manifest blocks, fenced
// divs and callouts, citations, cross-references, figures and attributes.
#include <string>
#include <string_view>
#include <vector>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

// Reads the body of `doc.source` (after `front_matter_lines` lines) into doc.blocks,
// doc.cells, doc.images, doc.manifest and doc.footnotes.
void read_markdown_body(Document& doc, int front_matter_lines, Reporter& reporter);

// Markdown inside metadata (a title, an abstract). Code fences there are only shown.
std::vector<Inline> read_markdown_inlines(std::string_view text, const std::string& file, Reporter& reporter);
std::vector<Block> read_markdown_blocks(std::string_view text, const std::string& file, Reporter& reporter);

}  // namespace waybill::doc
