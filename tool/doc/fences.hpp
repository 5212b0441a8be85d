#pragma once
// Fenced code blocks: which of the four kinds a fence is (site/document-format.md),
// and turning cells, Dockerfile blocks and the manifest into their model entries.
#include <string>
#include <string_view>
#include <vector>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

enum class FenceRole { Shown, Cell, Image, Manifest };

struct FenceInfo {
  FenceRole role = FenceRole::Shown;
  std::string language;   // lower case for cells; as written for shown code
  Attr attr;              // {#name .class key=value}
  std::string header;     // a cell's chunk header, between the braces
  size_t header_offset = 0;  // where `header` starts in the info string
};

FenceInfo classify_fence(std::string_view info);

struct FencedCode {
  std::string info;
  std::string literal;
  Pos fence;            // the opening fence
  int info_col = 0;     // the column of the info string's first character
};

// Appends the block for one fenced code block to `out`, registering a cell, image or
// manifest in `doc` when it is one. With `executable` false (Markdown inside metadata),
// every fence is shown code.
void add_fenced_block(Document& doc, const FencedCode& code, bool executable, std::vector<Block>& out,
                      Reporter& reporter);

}  // namespace waybill::doc
