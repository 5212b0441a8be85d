// Long documents are parsed in pieces (preprocess.hpp); a piece must parse exactly as it
// does within the whole document.
#include "doc/preprocess.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

namespace {

// Every block's kind, position and text, as one string, to compare two parses.
void describe(const std::vector<Block>& blocks, std::string& out, int depth = 0) {
  for (const auto& b : blocks) {
    out += std::string(static_cast<size_t>(depth), ' ') + std::to_string(static_cast<int>(b.kind)) + " " +
           std::to_string(b.pos.line) + ":" + std::to_string(b.pos.col) + " " + b.attr.id + " " + b.text + "|" +
           plain_text(b.inlines) + "|" + std::to_string(b.tight) + "\n";
    for (const auto& row : b.rows)
      for (const auto& cell : row) out += plain_text(cell.content) + ";";
    describe(b.children, out, depth + 1);
  }
}

// Constructs that run across blank lines, each a trap for a careless split.
std::string section(int i) {
  std::string n = std::to_string(i);
  return "# Section " + n + "\n\nA paragraph with $x_" + n + "$ and `code` and a [link](#section-" + n + ").\n\n"
         "- a list\n\n  with a second paragraph\n\nContinues after the list.\n\n"
         "- loose\n\n- list\n\n"
         "```python\ndef f():\n\n    return " + n + "\n\nnot a boundary\n```\n\n"
         "<!-- a comment\n\nacross a blank line -->\n\nText after it.\n\n"
         "> a quote\n>\n> continued\n\n"
         "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Caption " + n + "\n\n"
         "Setext heading " + n + "\n----------\n\n"
         "1. one\n2. two\n\n3. three\n\n"
         "    indented code\n\n    more indented code\n\n"
         "```{python}\n#| label: cell-" + n + "\nx = " + n + "\n```\n\n";
}

}  // namespace

TEST_CASE("a long document parses the same in pieces as in one") {
  std::string text = "---\ntitle: Long\n---\n";
  for (int i = 0; i < 500; ++i) text += section(i);
  REQUIRE(text.size() > 200 * 1024);
  REQUIRE(split_parse_units(text, 64 * 1024).size() > 1);

  auto pieces = parse(text);
  // A footnote definition (never referenced, so never shown) makes the document one piece.
  auto whole = parse(text + "\n[^never]: unused\n");
  REQUIRE(split_parse_units(text + "\n[^never]: unused\n", 64 * 1024).size() == 1);

  std::string a, b;
  describe(pieces.doc.blocks, a);
  describe(whole.doc.blocks, b);
  CHECK(a == b);
  CHECK(pieces.doc.cells.size() == 500);
  CHECK(pieces.doc.cells.back().fence.line == whole.doc.cells.back().fence.line);
}

TEST_CASE("pieces start only at safe lines") {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "- item " + std::to_string(i) + "\n\n  more\n\n";
  // A list that never ends offers no place to split.
  CHECK(split_parse_units(text, 1024).size() == 1);
  std::string refs = std::string(100000, 'a') + "\n\n[ref]: https://example.org\n\nSee [ref].\n";
  CHECK(split_parse_units(refs, 1024).size() == 1);
}
