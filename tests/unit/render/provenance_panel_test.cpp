// The provenance panel: only where something was built or run, and its tables fit the
// page (wrapped in HTML, paragraph columns in LaTeX).
#include <catch2/catch.hpp>

#include "doc/reader.hpp"
#include "render/provenance_panel.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::render;

namespace {

std::string latex_escape(std::string_view s) { return std::string(s); }

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("a page that built and ran nothing has no provenance panel") {
  CollectingReporter rep;
  doc::Document d = doc::parse_document("t.md", "Just text.\n", rep);
  exec::Results none;
  PanelInput in{&d, &none, "t.provenance.json", false, ""};
  CHECK(provenance_html(in).empty());
  CHECK(provenance_latex(in, latex_escape).empty());
}

TEST_CASE("the panel's tables wrap in HTML and take paragraph columns in LaTeX") {
  CollectingReporter rep;
  doc::Document d = doc::parse_document("t.md", "```{python}\n1\n```\n", rep);
  exec::Results res;
  res.cells.resize(1);
  res.cells[0] = exec::CellResult{};
  exec::DocumentImage img;
  img.digest = "sha256:" + std::string(64, 'a');
  img.from_block = true;
  exec::BaseOrigin base;
  base.reference = "debian:bookworm";
  base.digest = "sha256:" + std::string(64, 'b');
  base.origin = "bootstrap";
  base.labels = {{"org.waybill.bootstrap.suite", "bookworm"},
                 {"org.waybill.bootstrap.mirror", "http://deb.debian.org/debian http://deb.debian.org/debian-security"}};
  img.bases.push_back(base);
  res.images["default"] = img;
  PanelInput in{&d, &res, "t.provenance.json", true, ""};
  std::string html = provenance_html(in);
  CHECK(contains(html, "1 image, 1 cell"));
  CHECK(contains(html, "<h4>Images</h4>\n<div class=\"table-wrap\">\n<table>"));
  std::string latex = provenance_latex(in, latex_escape);
  CHECK(contains(latex, "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{"));
  CHECK_FALSE(contains(latex, "{lllll}"));
}

TEST_CASE("a cell whose box could not enforce its limits says so in the panel") {
  CollectingReporter rep;
  doc::Document d = doc::parse_document("t.md", "```{python}\n1\n```\n\n```{python}\n2\n```\n", rep);
  exec::Results res;
  res.cells.resize(2);
  res.cells[0] = exec::CellResult{};
  res.cells[0]->unenforced_limits = {"memory", "pids"};
  res.cells[1] = exec::CellResult{};
  PanelInput in{&d, &res, "t.provenance.json", true, ""};
  std::string html = provenance_html(in);
  CHECK(contains(html, "<td>ok; limits not enforced: memory, pids</td>"));
  CHECK(contains(html, "<td>ok</td>"));
  CHECK(contains(provenance_latex(in, latex_escape), "ok; limits not enforced: memory, pids"));
}
