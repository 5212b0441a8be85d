#include <catch2/catch.hpp>

#include "doc/reader.hpp"
#include "render/bibliography.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::render;

namespace {

struct BibFixture {
  TempDir dir;
  CollectingReporter rep;
  doc::Document doc;
  Bibliography bib;

  BibFixture(const std::string& body, const std::string& bibtex) {
    write_file_atomic(dir.path() / "refs.bib", bibtex);
    doc = doc::parse_document("t.md", "---\nbibliography: refs.bib\n---\n" + body, rep);
    bib.load(doc, dir.path(), PathRoots::of(dir.path(), {}, false), rep);
    bib.collect_citations(doc, rep);
  }

  std::string cite_text(size_t block, size_t which = 0) {
    size_t seen = 0;
    for (const auto& in : doc.blocks.at(block).inlines)
      if (in.kind == doc::InlineKind::Citation && seen++ == which) return doc::plain_text(bib.cite(in));
    return "<none>";
  }
};

const char* kBib =
    "@article{doe2020, author={Doe, Jane}, title={Alpha}, journal={J}, year=2020, volume=1, number=2, pages={3--4}}\n"
    "@book{roe2019, author={Roe, Rick and Poe, Pat}, title={Beta}, publisher={Pub}, address={City}, year=2019}\n"
    "@misc{many2021, author={A, Al and B, Bo and C, Cy}, title={Gamma}, year=2021, url={https://x.org}}\n"
    "@article{doe2020b, author={Doe, Jane}, title={Another}, journal={J}, year=2020}\n";

}  // namespace

TEST_CASE("author-year citations: parenthetical, narrative, locators, suppressed author") {
  BibFixture f("[@doe2020]. @roe2019 [p. 7]. [see @many2021, ch. 2; -@roe2019]. [@missing].\n", kBib);
  CHECK(f.cite_text(0, 0) == "(Doe 2020a)");
  CHECK(f.cite_text(0, 1) == "Roe and Poe (2019, p. 7)");
  CHECK(f.cite_text(0, 2) == "(see A et al. 2021, ch. 2; 2019)");
  CHECK(f.cite_text(0, 3) == "[?missing]");
}

TEST_CASE("an unknown key warns at the citation") {
  BibFixture f("Text.\n\nSee [@missing].\n", kBib);
  REQUIRE(f.rep.diagnostics.size() == 1);
  CHECK(f.rep.diagnostics[0].loc.str() == "t.md:6:6");
  CHECK(f.rep.diagnostics[0].message == "citation key `missing` is not in the bibliography");
}

TEST_CASE("the reference list: cited entries only, sorted, Chicago author-date") {
  BibFixture f("@roe2019 and [@doe2020] and [@many2021].\n", kBib);
  auto refs = f.bib.references();
  REQUIRE(refs.size() == 3);
  CHECK(refs[0].key == "many2021");
  CHECK(refs[1].key == "doe2020");
  CHECK(refs[2].key == "roe2019");
  CHECK(doc::plain_text(refs[1].text) == "Doe, Jane. 2020a. “Alpha.” J 1 (2): 3–4.");
  CHECK(doc::plain_text(refs[2].text) == "Roe, Rick, and Pat Poe. 2019. Beta. City: Pub.");
  CHECK(doc::plain_text(refs[0].text) == "A, Al, Bo B, and Cy C. 2021. “Gamma.” https://x.org.");
}

TEST_CASE("a missing bibliography file is a warning at the key, not an error") {
  CollectingReporter rep;
  doc::Document d = doc::parse_document("t.md", "---\ntitle: x\nbibliography: none.bib\n---\n[@a]\n", rep);
  Bibliography bib;
  bib.load(d, "/nonexistent", PathRoots::of("/nonexistent", {}, false), rep);
  bib.collect_citations(d, rep);
  REQUIRE(rep.diagnostics.size() == 2);
  CHECK(rep.diagnostics[0].loc.str() == "t.md:3:15");
  CHECK(rep.diagnostics[0].message == "bibliography file `none.bib` not found");
  CHECK_FALSE(bib.any_cited());
}

TEST_CASE("a bibliography outside the project is an error, links included, unless allowed") {
  TempDir dir;
  make_dirs(dir.path() / "project");
  write_file_atomic(dir.path() / "outside.bib", "@book{a, title={T}, author={A, B}, year={2020}, publisher={P}}\n");
  fs::create_symlink("../outside.bib", dir.path() / "project" / "link.bib");
  for (const char* name : {"../outside.bib", "link.bib", "/etc/passwd"}) {
    INFO(name);
    CollectingReporter rep;
    doc::Document d = doc::parse_document("t.md", std::string("---\nbibliography: ") + name + "\n---\n[@a]\n", rep);
    Bibliography bib;
    fs::path project = dir.path() / "project";
    try {
      bib.load(d, project, PathRoots::of(project, {}, false), rep);
      FAIL("read outside the project");
    } catch (const Error& e) {
      CHECK(e.message().find("lies outside the project folder") != std::string::npos);
      CHECK(e.loc().str() == "t.md:2:15");
    }
  }
  CollectingReporter rep;
  doc::Document d = doc::parse_document("t.md", "---\nbibliography: link.bib\n---\n[@a]\n", rep);
  Bibliography bib;
  bib.load(d, dir.path() / "project", PathRoots::of(dir.path() / "project", {dir.path()}, false), rep);
  bib.collect_citations(d, rep);
  CHECK(bib.any_cited());
}
