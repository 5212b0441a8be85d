// Math, citations and cross-references in running text.
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

namespace {

std::vector<Inline> inlines_of(const std::string& md) {
  auto p = parse(md);
  REQUIRE(!p.doc.blocks.empty());
  return p.doc.blocks[0].inlines;
}

std::vector<const Inline*> of_kind(const std::vector<Inline>& v, InlineKind k) {
  std::vector<const Inline*> out;
  for (const auto& i : v) {
    if (i.kind == k) out.push_back(&i);
    for (const Inline* c : of_kind(i.children, k)) out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("dollar math keeps its TeX verbatim") {
  auto v = inlines_of("Let $a_1 * b_2 \\{x\\}$ be and $$\\sum_i x_i \\\\ y$$ too.\n");
  auto m = of_kind(v, InlineKind::Math);
  REQUIRE(m.size() == 1);
  CHECK(m[0]->text == "a_1 * b_2 \\{x\\}");
  auto d = of_kind(v, InlineKind::DisplayMath);
  REQUIRE(d.size() == 1);
  CHECK(d[0]->text == "\\sum_i x_i \\\\ y");
}

TEST_CASE("dollars that are not math: prices, escaped dollars, spaces inside") {
  CHECK(of_kind(inlines_of("It costs $5 and $10.\n"), InlineKind::Math).empty());
  CHECK(of_kind(inlines_of("Not \\$x\\$ math.\n"), InlineKind::Math).empty());
  CHECK(of_kind(inlines_of("A $ b $ c.\n"), InlineKind::Math).empty());
  CHECK(of_kind(inlines_of("Code `$x$` here.\n"), InlineKind::Math).empty());
}

TEST_CASE("backslash delimiters \\( \\) and \\[ \\]") {
  auto v = inlines_of("Inline \\(\\alpha + [\\beta]\\) and display \\[x^2\\] here.\n");
  auto m = of_kind(v, InlineKind::Math);
  REQUIRE(m.size() == 1);
  CHECK(m[0]->text == "\\alpha + [\\beta]");
  auto d = of_kind(v, InlineKind::DisplayMath);
  REQUIRE(d.size() == 1);
  CHECK(d[0]->text == "x^2");
}

TEST_CASE("escaped brackets that are not math stay text") {
  auto v = inlines_of("array\\[0\\] and a lone \\( paren.\n");
  CHECK(of_kind(v, InlineKind::Math).empty());
  CHECK(of_kind(v, InlineKind::DisplayMath).empty());
  CHECK(plain_text(v) == "array[0] and a lone ( paren.");
}

TEST_CASE("backslash delimiters in code stay as written") {
  auto p = parse("`\\(x\\)`\n\n```\n\\[y\\]\n```\n");
  CHECK(p.doc.blocks[0].inlines[0].kind == InlineKind::Code);
  CHECK(p.doc.blocks[0].inlines[0].text == "\\(x\\)");
  CHECK(p.doc.blocks[1].text == "\\[y\\]\n");
}

TEST_CASE("math in table cells") {
  auto p = parse("| a | b |\n|---|---|\n| $x$ | \\(y\\) |\n");
  const Block& t = p.doc.blocks.at(0);
  CHECK(t.rows[1][0].content.at(0).kind == InlineKind::Math);
  CHECK(t.rows[1][1].content.at(0).kind == InlineKind::Math);
}

TEST_CASE("bracketed citations with prefixes, locators and several keys") {
  auto v = inlines_of("As shown [see @doe99, p. 3; -@roe05] and [@smith2020].\n");
  auto c = of_kind(v, InlineKind::Citation);
  REQUIRE(c.size() == 2);
  REQUIRE(c[0]->cites.size() == 2);
  CHECK(c[0]->cites[0].key == "doe99");
  CHECK(c[0]->cites[0].prefix == "see");
  CHECK(c[0]->cites[0].suffix == "p. 3");
  CHECK(c[0]->cites[1].key == "roe05");
  CHECK(c[0]->cites[1].suppress_author);
  CHECK_FALSE(c[0]->narrative);
  CHECK(c[1]->cites[0].key == "smith2020");
}

TEST_CASE("narrative citations, with a locator; emails are not citations") {
  auto v = inlines_of("@doe99 [p. 33] says so, unlike me@example.org or user@host.\n");
  auto c = of_kind(v, InlineKind::Citation);
  REQUIRE(c.size() == 1);
  CHECK(c[0]->narrative);
  CHECK(c[0]->cites[0].key == "doe99");
  CHECK(c[0]->cites[0].suffix == "p. 33");
}

TEST_CASE("a key never ends in punctuation") {
  auto v = inlines_of("Cited by @doe99.\n");
  auto c = of_kind(v, InlineKind::Citation);
  REQUIRE(c.size() == 1);
  CHECK(c[0]->cites[0].key == "doe99");
}

TEST_CASE("cross-references by prefix, narrative and bracketed") {
  auto v = inlines_of("See @fig-plot, [@tbl-data], [-@eq-energy] and @sec-intro.\n");
  auto r = of_kind(v, InlineKind::CrossRef);
  REQUIRE(r.size() == 4);
  CHECK(r[0]->target == "fig-plot");
  CHECK(r[1]->target == "tbl-data");
  CHECK(r[2]->target == "eq-energy");
  CHECK_FALSE(r[2]->narrative);
  CHECK(r[3]->target == "sec-intro");
  CHECK(of_kind(v, InlineKind::Citation).empty());
}

TEST_CASE("citation positions point at the @") {
  auto p = parse("---\ntitle: x\n---\nFirst line.\nThen [@doe99] and @roe05.\n");
  auto c = of_kind(p.doc.blocks.at(0).inlines, InlineKind::Citation);
  REQUIRE(c.size() == 2);
  CHECK(c[0]->cites[0].pos.line == 5);
  CHECK(c[0]->cites[0].pos.col == 7);
  CHECK(c[1]->cites[0].pos.line == 5);
  CHECK(c[1]->cites[0].pos.col == 19);
}

TEST_CASE("smart punctuation") {
  auto v = inlines_of("\"Quoted\" -- and --- it's.\n");
  CHECK(plain_text(v) == "“Quoted” – and — it’s.");
}
