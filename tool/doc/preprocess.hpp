#pragma once
// Rewrites the source, before cmark sees it, for syntax CommonMark has no hook for.
// Every rewrite keeps the line structure, so cmark's positions are document positions:
//   - front matter lines are blanked;
//   - Pandoc fenced divs (`::: {.callout-note}` ... `:::`) become one-line HTML comment
//     markers, which cmark keeps as HTML blocks and the reader turns into Div blocks;
//   - the backslash of a paired `\(`..`\)` or `\[`..`\]` becomes U+0001, a byte that the
//     math extension recognises and that never reaches the output (see markdown.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "doc/model.hpp"

namespace waybill::doc {

inline constexpr char kMathMark = '\x01';
inline constexpr std::string_view kDivOpenPrefix = "<!--waybill-div ";
inline constexpr std::string_view kDivClose = "<!--waybill-/div-->";

struct DivFence {
  Attr attr;
  Pos pos;
};

struct Preprocessed {
  std::string text;
  std::vector<DivFence> divs;   // marker n opens divs[n]
  std::vector<Pos> unclosed;    // div openers never closed
};

// `blank_lines` is the number of leading lines (the front matter) to blank.
Preprocessed preprocess_markdown(std::string_view source, int blank_lines);

}  // namespace waybill::doc
