// The HTML and LaTeX writers on small documents: escaping, cells, environments,
// cross-references and the LaTeX Unicode fallbacks.
#include <catch2/catch.hpp>

#include "doc/reader.hpp"
#include "render/html_writer.hpp"
#include "render/latex_writer.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::render;

namespace {

struct Rendered {
  CollectingReporter rep;
  doc::Document doc;
  Bibliography bib;
  CrossRefs refs;
  Highlighter highlighter{std::string(WAYBILL_SOURCE_DIR) + "/templates/highlight"};
  std::string html, latex, fallbacks;

  std::vector<std::string> assets;  // names the writers stored cell files under

  explicit Rendered(const std::string& md, WriterOptions opts = {},
                    const std::function<void(exec::Results&, const doc::Document&)>& ran = {}) {
    doc = doc::parse_document("t.md", md, rep);
    refs = CrossRefs::build(doc);
    exec::Results results;
    if (ran) {
      results.cells.resize(doc.cells.size());
      ran(results, doc);
    }
    auto resolve = [](const std::string& src, doc::Pos) -> std::optional<std::string> {
      if (src.starts_with("http")) return std::nullopt;
      return src;
    };
    auto write_asset = [this](const std::string& name, std::string_view) -> std::optional<std::string> {
      assets.push_back(name);
      return "t_files/" + name;
    };
    RenderContext ctx{doc, refs, bib, highlighter, rep, opts, resolve, ran ? &results : nullptr, write_asset};
    HtmlWriter h(ctx);
    html = h.body();
    LatexWriter l(ctx);
    latex = l.body();
    fallbacks = l.unicode_fallbacks();
  }
};

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("HTML escapes text and attributes") {
  CHECK(HtmlWriter::escape("a < b & \"c\"") == "a &lt; b &amp; \"c\"");
  CHECK(HtmlWriter::escape("\"x\"", true) == "&quot;x&quot;");
  Rendered r("Tom & Jerry <not a tag.\n\n[link](https://x.org/?a=1&b=\"2\")\n");
  CHECK(contains(r.html, "<p>Tom &amp; Jerry &lt;not a tag.</p>"));
  CHECK(contains(r.html, "href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\""));
}

TEST_CASE("LaTeX escapes every special character") {
  Rendered r("Specials: \\\\ { } $ & # % _ ^ ~ < > | and -- dashes [x].\n");
  CHECK(contains(r.latex, "\\textbackslash{} \\{ \\} \\$ \\& \\# \\% \\_ \\textasciicircum{} "
                          "\\textasciitilde{} \\textless{} \\textgreater{} \\textbar{}"));
  CHECK(contains(r.latex, "–"));  // smart punctuation made "--" an en dash
  CHECK(contains(r.latex, "{[}x{]}"));
}

TEST_CASE("LaTeX declares fallbacks for the non-ASCII characters it writes") {
  Rendered r("Steps ❶ and ❷, café, and 한.\n");
  CHECK(contains(r.fallbacks, "\\WBfallback{❶}{2776}{\\ding{182}}"));
  CHECK(contains(r.fallbacks, "\\WBfallback{é}{00E9}{\\WBmissingchar{00E9}}"));
  CHECK(contains(r.fallbacks, "{D55C}"));
}

TEST_CASE("sections: numbers when asked, anchors always") {
  WriterOptions o;
  o.number_sections = true;
  Rendered r("# One {#sec-one}\n\n## Sub\n\nSee @sec-one.\n", o);
  CHECK(contains(r.html, "<h1 id=\"sec-one\"><span class=\"header-section-number\">1</span> One"));
  CHECK(contains(r.html, "<h2 id=\"sub\"><span class=\"header-section-number\">1.1</span>"));
  CHECK(contains(r.html, "<a href=\"#sec-one\" class=\"cross-ref\">Section\u00a01</a>"));
  CHECK(contains(r.latex, "\\section{One}\\label{sec-one}"));
  CHECK(contains(r.latex, "\\subsection{Sub}\\label{sub}"));
  CHECK(contains(r.latex, "\\hyperref[sec-one]{Section~1}"));
}

TEST_CASE("an unknown cross-reference is visible and warned about") {
  Rendered r("See @fig-missing.\n");
  CHECK(contains(r.html, "?@fig-missing"));
  CHECK(contains(r.latex, "\\textbf{?@fig-missing}"));
  REQUIRE(r.rep.diagnostics.size() >= 1);
  CHECK(r.rep.diagnostics[0].loc.str() == "t.md:1:5");
}

TEST_CASE("cells follow echo, eval and include, and are marked as not executed") {
  Rendered r(
      "```{python}\nshown = 1\n```\n\n"
      "```{python}\n#| echo: false\nhidden = 2\n```\n\n"
      "```{python}\n#| include: false\nexcluded = 3\n```\n\n"
      "```{python}\n#| eval: false\nnot_run = 4\n```\n");
  CHECK(contains(r.html, "shown"));
  CHECK_FALSE(contains(r.html, "hidden"));
  CHECK_FALSE(contains(r.html, "excluded"));
  CHECK(contains(r.html, "not_run"));
  // Two cells show their code; only the one that would run says it was not run.
  size_t marks = 0;
  for (size_t at = 0; (at = r.html.find("cell-status", at)) != std::string::npos; ++at) ++marks;
  CHECK(marks == 1);
  CHECK(contains(r.latex, "\\WBnotexecuted"));
  CHECK_FALSE(contains(r.latex, "excluded"));
}

TEST_CASE("a figure cell has a numbered placeholder figure") {
  Rendered r("```{python}\n#| label: fig-plot\n#| fig-cap: \"The *plot*\"\nplot()\n```\n\nSee @fig-plot.\n");
  CHECK(contains(r.html, "<figure id=\"fig-plot\""));
  CHECK(contains(r.html, "Figure\u00a01:</span> The <em>plot</em>"));
  CHECK(contains(r.latex, "\\caption{The \\emph{plot}}\\label{fig-plot}"));
  CHECK(contains(r.latex, "\\hyperref[fig-plot]{Figure~1}"));
}

TEST_CASE("Dockerfile blocks and the manifest are a collapsible environment section") {
  Rendered r("```dockerfile {#env}\nFROM debian:bookworm\n```\n\n```yaml {.manifest}\nnetwork: none\n```\n");
  CHECK(contains(r.html, "<details class=\"environment\" id=\"env-env\">"));
  CHECK(contains(r.html, "<details class=\"environment\" id=\"env-manifest\">"));
  CHECK(contains(r.latex, "\\begin{WBenvironment}{Environment: \\texttt{env} (Dockerfile)}"));
  Rendered hidden("```dockerfile {#env echo=false}\nFROM scratch\n```\n");
  CHECK_FALSE(contains(hidden.html, "environment"));
}

TEST_CASE("numbered equations and tables") {
  Rendered r("$$x = 1$$ {#eq-one}\n\n| a |\n|---|\n| 1 |\n\n: Nums {#tbl-n}\n");
  CHECK(contains(r.html, "\\tag{1}"));
  CHECK(contains(r.html, "<span class=\"caption-label\">Table\u00a01:</span> Nums"));
  CHECK(contains(r.latex, "\\begin{equation}\\label{eq-one}"));
  CHECK(contains(r.latex, "\\caption{Nums}\\label{tbl-n}"));
}

TEST_CASE("lists, task lists and footnotes") {
  Rendered r("- a\n- b\n\n1. x\n\n   y\n\n- [x] done\n\nNote[^1].\n\n[^1]: Footnote text.\n");
  CHECK(contains(r.html, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"));
  CHECK(contains(r.html, "<input type=\"checkbox\" disabled checked>"));
  CHECK(contains(r.html, "<li id=\"fn1\"><p>Footnote text. <a href=\"#fnref1\""));
  CHECK(contains(r.latex, "\\item[$\\boxtimes$]"));
  CHECK(contains(r.latex, "Note\\footnote{Footnote text.}"));
}

TEST_CASE("remote images are not included in LaTeX") {
  Rendered r("![Remote](https://example.org/a.png)\n\n![Local](a.png)\n");
  CHECK(contains(r.latex, "\\WBmissingimage{https://example.org/a.png}"));
  CHECK(contains(r.latex, "\\includegraphics{a.png}"));
}

TEST_CASE("callouts and divs") {
  Rendered r("::: {.callout-tip}\nTry it.\n:::\n\n::: {#d .wide}\nIn div.\n:::\n");
  CHECK(contains(r.html, "<div class=\"callout callout-tip\" role=\"note\">"));
  CHECK(contains(r.html, "<div id=\"d\" class=\"wide\">"));
  CHECK(contains(r.latex, "\\begin{WBcallout}{tip}{Tip}"));
  CHECK(contains(r.latex, "\\hypertarget{d}{}"));
}

namespace {

exec::CellOutput stream(const std::string& name, const std::string& text) {
  exec::CellOutput o;
  o.name = name;
  o.text = text;
  return o;
}

}  // namespace

TEST_CASE("a cell's results are shown in order: streams, values, figures, files, the error") {
  Rendered r("```{python}\n#| label: fig-run\n#| fig-cap: A *run*\nx\n```\n\nSee @fig-run.\n", {},
             [](exec::Results& res, const doc::Document&) {
               exec::CellResult c;
               c.outputs.push_back(stream("stdout", "a < b\n"));
               c.outputs.push_back(stream("stderr", "careful\n"));
               exec::CellOutput value;
               value.kind = exec::OutputKind::Result;
               value.data = {{"text/plain", "Frame()"}, {"text/html", "<table><tr><td>1</td></tr></table>"}};
               c.outputs.push_back(value);
               exec::CellOutput fig;
               fig.kind = exec::OutputKind::Figure;
               fig.format = "png";
               fig.base64 = "iVBORw0KGgo=";
               c.outputs.push_back(fig);
               exec::CellOutput file;
               file.kind = exec::OutputKind::File;
               file.name = "result.csv";
               file.base64 = "YSxiCg==";
               c.outputs.push_back(file);
               c.error = exec::CellError{"ValueError", "bad", "Traceback ...\nValueError: bad", 4};
               res.cells[0] = c;
             });
  const std::string& h = r.html;
  CHECK(contains(h, "<pre class=\"cell-output cell-output-stdout\"><code>a &lt; b</code></pre>"));
  CHECK(contains(h, "cell-output-stderr\"><code>careful</code>"));
  CHECK(contains(h, "<table><tr><td>1</td></tr></table>"));  // the HTML, not the text
  CHECK_FALSE(contains(h, "Frame()"));
  CHECK(contains(h, "<figure id=\"fig-run\" class=\"figure cell-figure\">"));
  CHECK(contains(h, "<img src=\"t_files/figures/fig-run-1.png\" alt=\"A *run*\">"));
  CHECK(contains(h, "Figure\u00a01:</span> A <em>run</em>"));
  CHECK(contains(h, "<a href=\"t_files/files/fig-run/result.csv\" download>result.csv</a>"));
  CHECK(contains(h, "cell-output-error\"><code>Traceback ...\nValueError: bad</code>"));
  CHECK(h.find("a &lt; b") < h.find("careful"));
  CHECK_FALSE(contains(h, "Not executed"));
  // LaTeX: text in verbatim environments, the value as text, the figure included.
  CHECK(contains(r.latex, "\\begin{WBoutput}\na < b\n\\end{WBoutput}"));
  CHECK(contains(r.latex, "\\begin{WBoutput}\nFrame()\n\\end{WBoutput}"));
  CHECK(contains(r.latex, "\\includegraphics[width=0.8\\linewidth,keepaspectratio]{t_files/figures/fig-run-1.png}"));
  CHECK(contains(r.latex, "\\label{fig-run}"));
  CHECK(contains(r.latex, "\\begin{WBerror}"));
}

TEST_CASE("cell options decide what of a result shows") {
  auto ran = [](exec::Results& res, const doc::Document& d) {
    for (size_t i = 0; i < d.cells.size(); ++i) {
      exec::CellResult c;
      c.outputs.push_back(stream("stdout", i == 2 ? "| a | b |\n|--|--|\n| 1 | 2 |\n" : "printed " + std::to_string(i) + "\n"));
      res.cells[i] = c;
    }
  };
  Rendered r("```{python}\n#| echo: false\ncode0()\n```\n\n```{python}\n#| output: false\ncode1()\n```\n\n"
             "```{python}\n#| label: tbl-made\n#| output: asis\ncode2()\n```\n\n"
             "```{python}\n#| include: false\ncode3()\n```\n\n@tbl-made.\n",
             {}, ran);
  CHECK_FALSE(contains(r.html, "code0"));
  CHECK(contains(r.html, "printed 0"));
  CHECK(contains(r.html, "code1"));
  CHECK_FALSE(contains(r.html, "printed 1"));
  CHECK(contains(r.html, "<table id=\"tbl-made\""));  // asis: printed Markdown, numbered by the label
  CHECK(contains(r.html, "Table\u00a01:"));
  CHECK(contains(r.html, "<a href=\"#tbl-made\" class=\"cross-ref\">Table\u00a01</a>"));
  CHECK_FALSE(contains(r.html, "code3"));
  CHECK_FALSE(contains(r.html, "printed 3"));
}

TEST_CASE("an inline expression shows its value once it has run") {
  Rendered shown("Twice is `{python} x * 2` here.\n", {}, [](exec::Results& res, const doc::Document&) {
    exec::CellResult c;
    exec::CellOutput v;
    v.kind = exec::OutputKind::Result;
    v.data = {{"text/plain", "4 & more"}};
    c.outputs.push_back(v);
    res.inlines.push_back(exec::InlineRun{{"python", "x * 2", doc::Pos{1, 11}}, "env", c});  // the code span's content
  });
  CHECK(contains(shown.html, "Twice is <span class=\"inline-value\">4 &amp; more</span> here."));
  CHECK(contains(shown.latex, "Twice is 4 \\& more here."));
  Rendered not_run("Twice is `{python} x * 2` here.\n");
  CHECK(contains(not_run.html, "class=\"inline-cell\""));
}

namespace {

exec::CellOutput value(std::map<std::string, std::string> data) {
  exec::CellOutput o;
  o.kind = exec::OutputKind::Result;
  o.data = std::move(data);
  return o;
}

}  // namespace

TEST_CASE("a data frame's table takes the cell's label, tbl-cap and tbl-colwidths, numbered as pipe tables") {
  auto ran = [](exec::Results& res, const doc::Document&) {
    exec::CellResult c;
    c.outputs.push_back(value({{"text/plain", "   rate\n0  0.5"},
                               {"text/html", "<div><style scoped>th {}</style><table border=\"1\" class=\"dataframe\">"
                                             "<tr><th>rate</th></tr><tr><td>0.5</td></tr></table></div>"},
                               {"text/markdown", "| | rate |\n|---|---:|\n| 0 | 0.5 |\n"}}));
    res.cells[0] = c;
  };
  Rendered r("| a |\n|---|\n| 1 |\n\n: A pipe table {#tbl-pipe}\n\n"
             "```{python}\n#| label: tbl-rates\n#| tbl-cap: Rates by *site*\n#| tbl-colwidths: [30, 70]\nframe\n```\n\n"
             "See @tbl-rates and @tbl-pipe.\n",
             {}, ran);
  const std::string& h = r.html;
  CHECK(contains(h, "<table class=\"dataframe\" id=\"tbl-rates\"><caption><span class=\"caption-label\">Table\u00a02:"
                    "</span> Rates by <em>site</em></caption>\n<colgroup>\n<col style=\"width: 30.0%\">\n"
                    "<col style=\"width: 70.0%\">\n</colgroup>\n<tr>"));
  CHECK_FALSE(contains(h, "border="));  // pandas' border="1": the stylesheet draws tables
  CHECK(contains(h, "<a href=\"#tbl-rates\" class=\"cross-ref\">Table\u00a02</a>"));
  CHECK(contains(h, "<div class=\"cell\" id=\"cell-tbl-rates\""));
  // LaTeX takes the pipe table the driver gave beside the HTML, captioned and labelled.
  CHECK(contains(r.latex, "\\caption{Rates by \\emph{site}}\\label{tbl-rates}"));
  CHECK(contains(r.latex, "p{\\dimexpr 0.288\\linewidth-2\\tabcolsep\\relax}"));
  CHECK(r.rep.diagnostics.empty());
}

TEST_CASE("Markdown a cell prints takes tbl-cap; a tbl- cell without a table says so and keeps its target") {
  auto ran = [](exec::Results& res, const doc::Document& d) {
    for (size_t i = 0; i < d.cells.size(); ++i) {
      exec::CellResult c;
      c.outputs.push_back(stream("stdout", i == 0 ? "| a | b |\n|--|--|\n| 1 | 2 |\n" : "no table here\n"));
      res.cells[i] = c;
    }
  };
  Rendered r("```{r}\n#| label: tbl-made\n#| output: asis\n#| tbl-cap: Made here\nkable(x)\n```\n\n"
             "```{r}\n#| label: tbl-none\n#| tbl-cap: Nothing\nprint(1)\n```\n\nSee @tbl-made, @tbl-none.\n",
             {}, ran);
  CHECK(contains(r.html, "<table id=\"tbl-made\">\n<caption><span class=\"caption-label\">Table\u00a01:</span> Made here"));
  CHECK(contains(r.html, "<div class=\"table-pending\" id=\"tbl-none\">\n<p>The cell made no table.</p>\n"
                         "<p class=\"table-caption\"><span class=\"caption-label\">Table\u00a02:</span> Nothing</p>"));
  CHECK(contains(r.latex, "\\caption{Nothing}\\label{tbl-none}"));
  REQUIRE_FALSE(r.rep.diagnostics.empty());
  CHECK(r.rep.diagnostics[0].message == "the cell `tbl-none` made no table for its caption and number");
  CHECK(r.rep.diagnostics[0].loc.line == 10);  // its tbl-cap
  Rendered not_run("```{python}\n#| label: tbl-later\n#| tbl-cap: Later\nframe\n```\n\n@tbl-later\n");
  CHECK(contains(not_run.html, "<div class=\"table-pending\" id=\"tbl-later\">\n<p>Table not generated yet"));
  CHECK(contains(not_run.latex, "\\caption{Later}\\label{tbl-later}"));
}

TEST_CASE("pipe tables take tbl-colwidths from their attributes") {
  Rendered r("| a | b |\n|---|---|\n| 1 | 2 |\n\n: Sized {#tbl-s tbl-colwidths=\"[25,75]\"}\n\n"
             "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Wrong {#tbl-w tbl-colwidths=\"[25]\"}\n");
  CHECK(contains(r.html, "<col style=\"width: 25.0%\">\n<col style=\"width: 75.0%\">"));
  REQUIRE(r.rep.diagnostics.size() == 1);
  CHECK(contains(r.rep.diagnostics[0].message, "does not give one positive width for each of the table's 2 columns"));
}

TEST_CASE("a cell with fig-cap and no fig- label is a numbered figure, as knitr's fig.cap is") {
  auto ran = [](exec::Results& res, const doc::Document& d) {
    for (size_t i = 0; i < d.cells.size(); ++i) {
      exec::CellResult c;
      exec::CellOutput fig;
      fig.kind = exec::OutputKind::Figure;
      fig.format = "png";
      fig.base64 = "iVBORw0KGgo=";
      c.outputs.push_back(fig);
      c.outputs.push_back(stream("stdout", "\n"));  // nothing to show: no empty box
      res.cells[i] = c;
    }
  };
  Rendered r("```{r first, fig.cap='Unlabelled'}\nplot(1)\n```\n\n```{r}\n#| label: fig-second\n#| fig-cap: Labelled\n"
             "plot(2)\n```\n\n@fig-second\n",
             {}, ran);
  CHECK(contains(r.html, "Figure\u00a01:</span> Unlabelled"));
  CHECK(contains(r.html, "Figure\u00a02:</span> Labelled"));
  CHECK(contains(r.html, "<a href=\"#fig-second\" class=\"cross-ref\">Figure\u00a02</a>"));
  CHECK_FALSE(contains(r.html, "<code></code>"));
  // numbered: \\caption, not \\caption*; labelled fig-first, as bookdown's \\@ref(fig:first) names it
  CHECK(contains(r.latex, "\\caption{Unlabelled}\\label{fig-first}"));
  CHECK(contains(r.html, "<figure id=\"fig-first\""));
  CHECK(contains(r.latex, "\\caption{Labelled}\\label{fig-second}"));
}

TEST_CASE("folded code is a <details> that needs no script; LaTeX shows the code") {
  Rendered r("```{bash}\n#| code-fold: true\n#| code-summary: \"<Show> it\"\necho a\n```\n\n"
             "```{bash}\n#| code-fold: show\necho b\n```\n\n```{bash}\necho c\n```\n");
  CHECK(contains(r.html, "<details class=\"code-fold\"><summary>&lt;Show&gt; it</summary>\n<pre class=\"sourceCode bash cell-code\">"));
  CHECK(contains(r.html, "<details class=\"code-fold\" open><summary>Code</summary>"));
  size_t folds = 0;
  for (size_t at = r.html.find("<details"); at != std::string::npos; at = r.html.find("<details", at + 1)) ++folds;
  CHECK(folds == 2);
  CHECK(contains(r.latex, "echo a"));
}

TEST_CASE("a collapsed callout is a <details>: closed for collapse=true, open for false") {
  Rendered r("::: {.callout-tip collapse=\"true\"}\n## Hidden\nBody\n:::\n\n::: {.callout-note collapse=\"false\"}\nShown\n:::\n\n"
             "::: {.callout-warning}\nPlain\n:::\n");
  CHECK(contains(r.html, "<details class=\"callout-fold\">\n<summary class=\"callout-title\">Hidden</summary>"));
  CHECK(contains(r.html, "<details class=\"callout-fold\" open>\n<summary class=\"callout-title\">Note</summary>"));
  CHECK(contains(r.html, "<div class=\"callout-title\">Warning</div>"));
  CHECK_FALSE(contains(r.html, "collapse="));
  CHECK(contains(r.latex, "Body"));
}

TEST_CASE("a tabset's highest headings are tabs: radio inputs, labels, panels, and no TOC entries") {
  WriterOptions o;
  o.toc = true;
  Rendered r("# Top\n\n::: {.panel-tabset}\nLead.\n\n## One\n\nFirst.\n\n### Inner\n\nDeep.\n\n## Two {#two}\n\nSecond.\n:::\n", o);
  CHECK(contains(r.html, "<p>Lead.</p>\n<div class=\"panel-tabset\">\n<input type=\"radio\" class=\"tab-input\" "
                         "name=\"tabset-1\" id=\"tabset-1-1\" checked>\n<input type=\"radio\" class=\"tab-input\" "
                         "name=\"tabset-1\" id=\"tabset-1-2\">\n<div class=\"tab-labels\">\n<label for=\"tabset-1-1\">One</label>"));
  CHECK(contains(r.html, "<div class=\"tab-panel\" id=\"two\">\n<p>Second.</p>"));
  CHECK(contains(r.html, "<h3 id=\"inner\">Inner"));  // a lower heading stays a heading in its panel
  CHECK(contains(r.latex, "One"));
}
