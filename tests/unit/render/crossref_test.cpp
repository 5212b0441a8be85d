#include <catch2/catch.hpp>

#include "doc/reader.hpp"
#include "render/crossref.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::render;

TEST_CASE("sections are numbered from the shallowest heading level") {
  CollectingReporter rep;
  auto d = doc::parse_document("t.md", "## A {#sec-a}\n### A.1\n### A.2 {#sec-a2}\n## B\n## Refs {-}\n", rep);
  CrossRefs r = CrossRefs::build(d);
  CHECK(r.top_level() == 2);
  CHECK(r.section_number("sec-a") == "1");
  CHECK(r.section_number("a1") == "1.1");
  CHECK(r.section_number("sec-a2") == "1.2");
  CHECK(r.section_number("b") == "2");
  // "refs" is the reference list's own id on the page: the heading takes the next one.
  CHECK(r.section_number("refs-1").empty());
  REQUIRE(r.find("refs-1"));
  CHECK(r.find("refs-1")->title == "Refs");
}

TEST_CASE("figures, tables, equations and figure cells share document order") {
  CollectingReporter rep;
  auto d = doc::parse_document("t.md",
                               "![a](a.png){#fig-a}\n\n"
                               "```{python}\n#| label: fig-b\n```\n\n"
                               "| x |\n|---|\n| 1 |\n\n: T {#tbl-t}\n\n"
                               "$$x$$ {#eq-x}\n\n"
                               "![c](c.png){#fig-c}\n",
                               rep);
  CrossRefs r = CrossRefs::build(d);
  CHECK(r.find("fig-a")->number == "1");
  CHECK(r.find("fig-b")->number == "2");
  CHECK(r.find("fig-c")->number == "3");
  CHECK(r.find("tbl-t")->number == "1");
  CHECK(r.find("eq-x")->kind == RefKind::Equation);
  CHECK(r.find("eq-x")->number == "1");
  CHECK(r.find("fig-nope") == nullptr);
}
