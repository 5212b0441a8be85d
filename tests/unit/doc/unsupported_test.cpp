// What other tools' documents use and waybill does not implement yet is a located
// warning, never silence; inline notes, labelled equations inside paragraphs and the
// page's own ids.
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

namespace {

std::vector<std::string> messages(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& d : p.rep.diagnostics) out.push_back(d.loc.str() + ": " + d.message);
  return out;
}

}  // namespace

TEST_CASE("front matter keys other tools implement are warnings; the author's own keys are not") {
  auto p = parse("---\ntitle: T\ntheme: cosmo\ncourse: {code: CS101}\nformat:\n  html:\n    code-tools: true\n"
                 "    toc: true\n  pdf:\n    documentclass: article\n---\nText.\n");
  CHECK(messages(p) == std::vector<std::string>{
                           "t.md:3:8: front matter key `theme` is not supported yet: waybill's own theme is used; "
                           "`template:` replaces the page",
                           "t.md:7:17: front matter key `format: html: code-tools` is not supported yet: it has no "
                           "effect",
                           "t.md:10:20: front matter key `format: pdf: documentclass` is not supported yet: waybill's "
                           "LaTeX template is used; `template:` replaces it"});
}

TEST_CASE("shortcodes, layouts and page columns are warnings at their place; tabsets and collapsed callouts are not") {
  auto p = parse("{{< include _part.md >}}\n\nText {{< pagebreak >}} more.\n\n::: {.panel-tabset}\n## A\none\n:::\n\n"
                 "::: {layout-ncol=2}\n![a](a.png)\n:::\n\n::: {.callout-note collapse=\"true\"}\nBody\n:::\n\n"
                 "::: {.column-margin}\naside\n:::\n\n::: {.content-visible when-format=\"html\"}\nx\n:::\n");
  auto m = messages(p);
  auto has = [&](const std::string& s) { return std::find(m.begin(), m.end(), s) != m.end(); };
  CHECK(has("t.md:1:1: the shortcode `include` is not supported yet; it is shown as written"));
  CHECK(has("t.md:3:1: the shortcode `pagebreak` is not supported yet; it is shown as written"));
  for (const auto& line : m) CHECK(line.find("tabset") == std::string::npos);
  CHECK(has("t.md:10:1: figure layouts (`layout-ncol`) are not supported yet; the figures are shown one after another"));
  for (const auto& line : m) CHECK(line.find("collapse") == std::string::npos);
  CHECK(has("t.md:18:1: page columns (`.column-margin`) are not supported yet; the content stays in the text column"));
  CHECK(has("t.md:22:1: conditional content (`.content-visible`) is not supported yet; it is shown in every format"));
  // Shortcodes in code are code.
  auto code = parse("Use `{{< include x >}}` in Quarto.\n\n```\n{{< pagebreak >}}\n```\n");
  CHECK(code.rep.diagnostics.empty());
}

TEST_CASE("inline notes are footnotes, numbered with [^id] notes in the order they are referred to") {
  auto p = parse("A^[First, with *emphasis* and [a link](https://x.org).] then B[^b] then C^[Third [bracketed].]\n\n"
                 "Again[^b].\n\n[^b]: The second.\n");
  REQUIRE(p.doc.footnotes.size() == 3);
  const auto& para = p.doc.blocks[0].inlines;
  std::vector<int> refs;
  for (const auto& in : para)
    if (in.kind == InlineKind::FootnoteRef) refs.push_back(in.number);
  CHECK(refs == std::vector<int>{1, 2, 3});
  CHECK(plain_text(p.doc.footnotes[0][0].inlines) == "First, with emphasis and a link.");
  CHECK(plain_text(p.doc.footnotes[1][0].inlines) == "The second.");
  CHECK(plain_text(p.doc.footnotes[2][0].inlines) == "Third [bracketed].");
  CHECK(p.doc.blocks[1].inlines[1].number == 2);  // the same note, its first number
  CHECK(plain_text(para).find("^[") == std::string::npos);
  auto open = parse("An unclosed ^[note stays text.\n");
  CHECK(open.doc.footnotes.empty());
  CHECK(plain_text(open.doc.blocks[0].inlines) == "An unclosed ^[note stays text.");
}

TEST_CASE("a labelled display equation inside a paragraph is an equation of its own") {
  auto p = parse("Growth is $$g = r t$$ {#eq-growth} as @eq-growth says.\n");
  REQUIRE(p.doc.blocks.size() == 3);
  CHECK(p.doc.blocks[0].kind == BlockKind::Paragraph);
  CHECK(plain_text(p.doc.blocks[0].inlines) == "Growth is");
  CHECK(p.doc.blocks[1].kind == BlockKind::MathBlock);
  CHECK(p.doc.blocks[1].attr.id == "eq-growth");
  CHECK(p.doc.blocks[1].text == "g = r t");
  CHECK(p.doc.blocks[2].kind == BlockKind::Paragraph);
  CHECK(p.rep.diagnostics.empty());
}

TEST_CASE("headings do not take the ids the page itself uses") {
  auto p = parse("# Footnotes\n\nA note.[^1]\n\n[^1]: N.\n");
  CHECK(p.doc.blocks[0].attr.id == "footnotes-1");
  Error e = parse_error("# Notes {#footnotes}\n");
  CHECK(e.message() == "the section id `footnotes` is an id the page itself uses");
}
