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

// A piece of a document that parses the same alone as within the whole.
struct ParseUnit {
  std::string_view text;
  int first_line = 1;  // its first line's number in the document
};

// Splits a long document into pieces of about `target` bytes, each starting at a
// top-level block: after a blank line, at an unindented line that cannot continue a
// list, a quote, a table or an HTML block, and outside code fences. cmark then never
// holds more than one piece's tree (a tree takes some twenty times its text), which
// keeps memory flat on long documents. Link reference definitions and footnotes tie
// distant parts together, so a document with either is one piece.
std::vector<ParseUnit> split_parse_units(std::string_view text, size_t target);

}  // namespace waybill::doc
