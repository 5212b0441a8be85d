// Block classification: Dockerfile blocks, the manifest, executable cells, shown code,
// and the structure Markdown leaves implicit (divs, callouts, figures, equations).
#include "doc/fences.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

TEST_CASE("fence info strings are classified") {
  CHECK(classify_fence("dockerfile {#env}").role == FenceRole::Image);
  CHECK(classify_fence("dockerfile {#env}").attr.id == "env");
  CHECK(classify_fence("Dockerfile").role == FenceRole::Image);
  CHECK(classify_fence("{.dockerfile #env}").role == FenceRole::Image);
  CHECK(classify_fence("yaml {.manifest}").role == FenceRole::Manifest);
  CHECK(classify_fence("{.yaml .manifest}").role == FenceRole::Manifest);
  CHECK(classify_fence("yaml").role == FenceRole::Shown);
  CHECK(classify_fence("{python}").role == FenceRole::Cell);
  CHECK(classify_fence("{r label, echo=FALSE}").role == FenceRole::Cell);
  CHECK(classify_fence("{r label, echo=FALSE}").header == "r label, echo=FALSE");
  CHECK(classify_fence("python").role == FenceRole::Shown);
  CHECK(classify_fence("python").language == "python");
  CHECK(classify_fence("{.python}").role == FenceRole::Shown);
  CHECK(classify_fence("{.python}").language == "python");
  CHECK(classify_fence("{{python}}").role == FenceRole::Shown);
  CHECK(classify_fence("").role == FenceRole::Shown);
}

TEST_CASE("a document's cells, image blocks and manifest") {
  auto p = parse(
      "# Paper\n"
      "\n"
      "```dockerfile {#env}\n"
      "FROM debian:bookworm\n"
      "```\n"
      "\n"
      "```yaml {.manifest}\n"
      "network: none\n"
      "```\n"
      "\n"
      "```{python}\n"
      "x = 1\n"
      "```\n"
      "\n"
      "```python\n"
      "shown = True\n"
      "```\n"
      "\n"
      "```{bash}\n"
      "echo hi\n"
      "```\n");
  const Document& d = p.doc;
  REQUIRE(d.images.size() == 1);
  CHECK(d.images[0].name == "env");
  CHECK(d.images[0].dockerfile == "FROM debian:bookworm\n");
  CHECK(d.images[0].fence.line == 3);
  CHECK(d.images[0].first_line == 4);
  REQUIRE(d.manifest);
  CHECK(d.manifest->value.get("network")->scalar == "none");
  CHECK(d.manifest->fence.line == 7);
  REQUIRE(d.cells.size() == 2);
  CHECK(d.cells[0].language == "python");
  CHECK(d.cells[0].code == "x = 1\n");
  CHECK(d.cells[0].fence.line == 11);
  CHECK(d.cells[0].code_line == 12);
  CHECK(d.cells[1].language == "bash");
  const Block* shown = find_block(d.blocks, BlockKind::CodeBlock);
  REQUIRE(shown);
  CHECK(shown->info == "python");
  CHECK(shown->text == "shown = True\n");
  CHECK(p.rep.diagnostics.empty());
}

TEST_CASE("a single image block needs no name") {
  auto p = parse("```dockerfile\nFROM scratch\n```\n");
  REQUIRE(p.doc.images.size() == 1);
  CHECK(p.doc.images[0].name.empty());
}

TEST_CASE("echo=false hides an image block") {
  auto p = parse("```dockerfile {#env echo=false}\nFROM scratch\n```\n");
  REQUIRE(p.doc.images.size() == 1);
  CHECK_FALSE(p.doc.images[0].echo);
}

TEST_CASE("cells inside lists and block quotes are found, with positions") {
  auto p = parse("- item\n\n  ```{r}\n  1 + 1\n  ```\n");
  REQUIRE(p.doc.cells.size() == 1);
  CHECK(p.doc.cells[0].fence.line == 3);
  CHECK(p.doc.cells[0].fence.col == 3);
  CHECK(p.doc.cells[0].code == "1 + 1\n");
}

TEST_CASE("inline cells: knitr `r expr` and Quarto `{python} expr`") {
  auto p = parse("Mean is `r mean(x)` and max `{python} max(xs)`, but `rm -rf` is code.\n");
  const auto& in = p.doc.blocks.at(0).inlines;
  std::vector<const Inline*> cells;
  for (const auto& i : in)
    if (i.kind == InlineKind::InlineCell) cells.push_back(&i);
  REQUIRE(cells.size() == 2);
  CHECK(cells[0]->target == "r");
  CHECK(cells[0]->text == "mean(x)");
  CHECK(cells[1]->target == "python");
  CHECK(cells[1]->text == "max(xs)");
  bool plain_code = false;
  for (const auto& i : in) plain_code = plain_code || (i.kind == InlineKind::Code && i.text == "rm -rf");
  CHECK(plain_code);
}

TEST_CASE("fenced divs and Quarto callouts") {
  auto p = parse(
      "::: {.callout-warning title=\"Careful\"}\n"
      "Inside.\n"
      ":::\n"
      "\n"
      "::: {#box .aside}\n"
      "## Heading\n"
      "\n"
      "Text.\n"
      "\n"
      "::: note\n"
      "Nested.\n"
      ":::\n"
      ":::\n");
  const auto& b = p.doc.blocks;
  REQUIRE(b.size() == 2);
  CHECK(b[0].kind == BlockKind::Callout);
  CHECK(b[0].info == "warning");
  CHECK(plain_text(b[0].caption) == "Careful");
  CHECK(b[1].kind == BlockKind::Div);
  CHECK(b[1].attr.id == "box");
  CHECK(b[1].attr.has_class("aside"));
  REQUIRE(b[1].children.size() == 3);
  CHECK(b[1].children[2].kind == BlockKind::Div);
  CHECK(b[1].children[2].attr.has_class("note"));
}

TEST_CASE("a callout's first heading is its title") {
  auto p = parse("::: {.callout-tip}\n## Try this\nBody.\n:::\n");
  REQUIRE(p.doc.blocks.size() == 1);
  CHECK(p.doc.blocks[0].kind == BlockKind::Callout);
  CHECK(plain_text(p.doc.blocks[0].caption) == "Try this");
  CHECK(p.doc.blocks[0].children.size() == 1);
}

TEST_CASE("`:::` inside a code block is code") {
  auto p = parse("```\n::: {.callout-note}\n```\n");
  REQUIRE(p.doc.blocks.size() == 1);
  CHECK(p.doc.blocks[0].kind == BlockKind::CodeBlock);
  CHECK(p.doc.blocks[0].text == "::: {.callout-note}\n");
}

TEST_CASE("an unclosed div is a warning at its opening line") {
  auto p = parse("Para.\n\n::: {.note}\nNever closed.\n");
  REQUIRE(p.rep.diagnostics.size() == 1);
  CHECK(p.rep.diagnostics[0].loc.line == 3);
}

TEST_CASE("GFM alerts become callouts") {
  auto p = parse("> [!IMPORTANT]\n> Read this.\n\n> [!nonsense]\n> Stays a quote.\n");
  REQUIRE(p.doc.blocks.size() == 2);
  CHECK(p.doc.blocks[0].kind == BlockKind::Callout);
  CHECK(p.doc.blocks[0].info == "important");
  CHECK(plain_text(p.doc.blocks[0].children.at(0).inlines) == "Read this.");
  CHECK(p.doc.blocks[1].kind == BlockKind::BlockQuote);
}

TEST_CASE("heading attributes and automatic ids") {
  auto p = parse("# Intro {#sec-intro}\n\n## Enter Docker\n\n## Enter Docker\n\n# Appendix {.unnumbered}\n");
  const auto& b = p.doc.blocks;
  CHECK(b[0].attr.id == "sec-intro");
  CHECK(plain_text(b[0].inlines) == "Intro");
  CHECK(b[1].attr.id == "enter-docker");
  CHECK(b[2].attr.id == "enter-docker-1");
  CHECK(b[3].attr.has_class("unnumbered"));
  CHECK(b[3].attr.id == "appendix");
}

TEST_CASE("a lone image with a caption is a figure; attributes attach to it") {
  auto p = parse("![The results](fig.png){#fig-results width=50%}\n\nText with ![icon](i.png) inline.\n");
  const auto& b = p.doc.blocks;
  REQUIRE(b[0].kind == BlockKind::Figure);
  CHECK(b[0].attr.id == "fig-results");
  CHECK(plain_text(b[0].caption) == "The results");
  CHECK(*b[0].inlines.front().attr.value("width") == "50%");
  CHECK(b[1].kind == BlockKind::Paragraph);
}

TEST_CASE("display math alone in a paragraph is an equation, with an optional label") {
  auto p = parse("$$\nE = mc^2\n$$ {#eq-energy}\n\n$$a + b$$\n");
  const auto& b = p.doc.blocks;
  REQUIRE(b.size() == 2);
  CHECK(b[0].kind == BlockKind::MathBlock);
  CHECK(b[0].attr.id == "eq-energy");
  CHECK(b[0].text == "\nE = mc^2\n");
  CHECK(b[1].kind == BlockKind::MathBlock);
}

TEST_CASE("table captions and labels") {
  auto p = parse("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n: Data {#tbl-data}\n");
  REQUIRE(p.doc.blocks.size() == 1);
  const Block& t = p.doc.blocks[0];
  CHECK(t.kind == BlockKind::Table);
  CHECK(t.attr.id == "tbl-data");
  CHECK(plain_text(t.caption) == "Data");
  CHECK(t.header_rows == 1);
  CHECK(t.aligns == std::vector<Align>{Align::Left, Align::Right});
  CHECK(t.rows.size() == 2);
}

TEST_CASE("task lists and footnotes") {
  auto p = parse("- [ ] open\n- [x] done\n\nText[^a] and more[^b].\n\n[^b]: Second.\n[^a]: First.\n");
  const Block& list = p.doc.blocks[0];
  CHECK(list.children[0].task == TaskState::Open);
  CHECK(list.children[1].task == TaskState::Done);
  REQUIRE(p.doc.footnotes.size() == 2);
  // Numbered in order of reference, not of definition.
  CHECK(plain_text(p.doc.footnotes[0][0].inlines) == "First.");
  int refs = 0;
  for (const auto& in : p.doc.blocks[1].inlines)
    if (in.kind == InlineKind::FootnoteRef) CHECK(in.number == ++refs);
  CHECK(refs == 2);
}

TEST_CASE("GFM strikethrough and autolinks") {
  auto p = parse("~~gone~~ and https://example.org/x\n");
  const auto& in = p.doc.blocks[0].inlines;
  CHECK(in[0].kind == InlineKind::Strike);
  bool link = false;
  for (const auto& i : in) link = link || (i.kind == InlineKind::Link && i.target == "https://example.org/x");
  CHECK(link);
}
