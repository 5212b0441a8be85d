// Cell options in both syntaxes, mapped to one CellOptions, with positions.
#include "doc/cell_header.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

TEST_CASE("Quarto #| options and knitr header options give the same CellOptions") {
  auto q = parse(
      "```{r}\n"
      "#| label: fig-hist\n"
      "#| echo: false\n"
      "#| fig-cap: \"A histogram\"\n"
      "#| fig-width: 6\n"
      "#| fig-height: 4.5\n"
      "#| warning: false\n"
      "#| message: false\n"
      "#| cache: true\n"
      "#| error: true\n"
      "#| include: true\n"
      "#| eval: true\n"
      "hist(x)\n"
      "```\n");
  auto k = parse(
      "```{r fig-hist, echo=FALSE, fig.cap=\"A histogram\", fig.width=6, fig.height=4.5, warning=FALSE,"
      " message=FALSE, cache=TRUE, error=TRUE, include=TRUE, eval=TRUE}\n"
      "hist(x)\n"
      "```\n");
  for (const Parsed* p : {&q, &k}) {
    REQUIRE(p->doc.cells.size() == 1);
    const CellOptions& o = p->doc.cells[0].options;
    CHECK(o.label == "fig-hist");
    CHECK_FALSE(o.echo);
    CHECK(o.fig_cap == "A histogram");
    CHECK(o.fig_width == 6.0);
    CHECK(o.fig_height == 4.5);
    CHECK_FALSE(o.warning);
    CHECK_FALSE(o.message);
    CHECK(o.cache == true);
    CHECK(o.error);
    CHECK(o.include);
    CHECK(o.eval);
    CHECK(p->doc.cells[0].code == "hist(x)\n");
    CHECK(p->rep.diagnostics.empty());
  }
  CHECK(q.doc.cells[0].code_line == 13);
  CHECK(k.doc.cells[0].code_line == 2);
}

TEST_CASE("knitr values: T and F, single quotes, results='asis', c() vectors") {
  auto p = parse("```{r, echo=T, include=F, results='asis', fig.alt='Alt \\'text\\''}\ncat('x')\n```\n");
  const CellOptions& o = p.doc.cells.at(0).options;
  CHECK(o.echo);
  CHECK_FALSE(o.include);
  CHECK(o.output == OutputMode::Asis);
  CHECK(o.fig_alt == "Alt 'text'");
  CHECK(o.label.empty());
}

TEST_CASE("output: asis, false, true; knitr results='hide'") {
  CHECK(parse("```{python}\n#| output: asis\n```\n").doc.cells[0].options.output == OutputMode::Asis);
  CHECK(parse("```{python}\n#| output: false\n```\n").doc.cells[0].options.output == OutputMode::Hide);
  CHECK(parse("```{r results='hide'}\n```\n").doc.cells[0].options.output == OutputMode::Hide);
}

TEST_CASE("timeouts in seconds or with a unit") {
  CHECK(parse("```{python}\n#| timeout: 30\n```\n").doc.cells[0].options.timeout == 30.0);
  CHECK(parse("```{python}\n#| timeout: 2m\n```\n").doc.cells[0].options.timeout == 120.0);
  CHECK(parse("```{python}\n#| timeout: 500ms\n```\n").doc.cells[0].options.timeout == 0.5);
}

TEST_CASE("the #| lines win over the knitr header") {
  auto p = parse("```{r lbl, echo=FALSE}\n#| echo: true\n1\n```\n");
  CHECK(p.doc.cells[0].options.echo);
  CHECK(p.doc.cells[0].options.label == "lbl");
}

TEST_CASE("the image option picks an image") {
  auto p = parse("```{python}\n#| image: gpu-env\nimport torch\n```\n");
  CHECK(p.doc.cells[0].options.image == "gpu-env");
}

TEST_CASE("positions of options") {
  auto p = parse("Intro\n\n```{r lbl, fig.cap=\"Cap\"}\n#| echo: false\nx\n```\n");
  const CellOptions& o = p.doc.cells.at(0).options;
  REQUIRE(o.where.count("label"));
  CHECK(o.where.at("label").line == 3);
  CHECK(o.where.at("label").col == 7);
  CHECK(o.where.at("fig-cap").line == 3);
  CHECK(o.where.at("fig-cap").col == 12);
  CHECK(o.where.at("echo").line == 4);
  CHECK(o.where.at("echo").col == 4);
}

TEST_CASE("unknown options warn with the closest known name, at their position") {
  auto p = parse("```{python}\n#| ecko: false\n#| fig-capt: x\n#| frobnicate: 1\n```\n");
  REQUIRE(p.rep.diagnostics.size() == 3);
  CHECK(p.rep.diagnostics[0].message == "unknown cell option `ecko`");
  CHECK(p.rep.diagnostics[0].hint == "did you mean `echo`?");
  CHECK(p.rep.diagnostics[0].loc.str() == "t.md:2:4");
  CHECK(p.rep.diagnostics[1].hint == "did you mean `fig-cap`?");
  CHECK(p.rep.diagnostics[2].hint.find("known options") == 0);
}

TEST_CASE("options waybill does not implement yet are warnings at their place, once per document") {
  auto p = parse("```{r, fig.align='center', dpi=300}\nplot(1)\n```\n\n```{r, fig.align='left'}\nplot(2)\n```\n\n"
                 "```{r}\n#| code-line-numbers: true\n1\n```\n");
  REQUIRE(p.rep.diagnostics.size() == 3);
  CHECK(p.rep.diagnostics[0].message == "cell option `fig.align` is not supported yet: it has no effect");
  CHECK(p.rep.diagnostics[0].loc.str() == "t.md:1:8");
  CHECK(p.rep.diagnostics[0].hint == "waybill runs the cell as if it were not set; also at line 5 (2 in all)");
  CHECK(p.rep.diagnostics[1].message == "cell option `dpi` is not supported yet: it has no effect");
  CHECK(p.rep.diagnostics[2].message ==
        "cell option `code-line-numbers` is not supported yet: the code is shown without line numbers");
  CHECK(p.rep.diagnostics[2].loc.str() == "t.md:10:4");
}

TEST_CASE("knitr line selection in echo is a warning, not an error") {
  auto p = parse("```{r, echo=2:3}\na\nb\nc\n```\n");
  CHECK(p.doc.cells[0].options.echo);
  REQUIRE(p.rep.diagnostics.size() == 1);
  CHECK(p.rep.diagnostics[0].message.find("selecting lines") != std::string::npos);
}

TEST_CASE("parse_r_value") {
  Pos pos{1, 1};
  CHECK(parse_r_value("TRUE", pos).as_bool() == true);
  CHECK(parse_r_value(" FALSE ", pos).as_bool() == false);
  CHECK(parse_r_value("5L", pos).as_number() == 5.0);
  CHECK(parse_r_value("-1.5e2", pos).as_number() == -150.0);
  MetaValue s = parse_r_value("\"a, \\\"b\\\"\"", pos);
  CHECK(s.quoted);
  CHECK(s.scalar == "a, \"b\"");
  MetaValue v = parse_r_value("c(1, 'x', TRUE)", pos);
  REQUIRE(v.is_list());
  CHECK(v.list.size() == 3);
  CHECK(v.list[1].scalar == "x");
  CHECK(parse_r_value("NULL", pos).is_null());
  MetaValue expr = parse_r_value("paste('a', b)", pos);
  CHECK(expr.is_scalar());
  CHECK_FALSE(expr.quoted);
  CHECK(expr.scalar == "paste('a', b)");
}

TEST_CASE("canonical option names") {
  CHECK(canonical_option_name("fig.cap") == "fig-cap");
  CHECK(canonical_option_name("fig_width") == "fig-width");
  CHECK(canonical_option_name("results") == "output");
  CHECK(canonical_option_name("echo") == "echo");
}

TEST_CASE("code-fold and code-summary: from the cell, the front matter, or format: html:") {
  auto p = parse("---\ncode-fold: true\nformat:\n  html:\n    code-summary: See it\n---\n\n```{r}\n1\n```\n\n"
                 "```{r}\n#| code-fold: show\n2\n```\n\n```{r}\n#| code-fold: false\n3\n```\n");
  CHECK(p.rep.diagnostics.empty());
  REQUIRE(p.doc.cells.size() == 3);
  CHECK(p.doc.cells[0].options.code_fold == "fold");
  CHECK(p.doc.cells[0].options.code_summary == "See it");
  CHECK(p.doc.cells[1].options.code_fold == "show");
  CHECK(p.doc.cells[2].options.code_fold.empty());
  auto bad = parse_error("```{r}\n#| code-fold: sometimes\n1\n```\n");
  CHECK(bad.message().find("code-fold") != std::string::npos);
}
