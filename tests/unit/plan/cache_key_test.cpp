// Cell cache keys: what changes them and what does not (plan/cache_key.hpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "plan/cache_key.hpp"
#include "unit/doc/doc_test_util.hpp"
#include "util/fs.hpp"

using namespace waybill;
using waybill::doc::test::parse;

namespace {

doc::Cell cell(const std::string& options, const std::string& code = "x = 1\n") {
  auto parsed = parse("```{python}\n" + options + code + "```\n", "t.md");
  return parsed.doc.cells.at(0);
}

plan::KeyParts parts() { return {"sha256:aa", "", "inputs", "settings"}; }

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_CASE("a cell's key covers its code, the options that change what runs, and its context") {
  std::string base = plan::cell_key(parts(), cell(""));
  CHECK(base.size() == 64);
  CHECK(plan::cell_key(parts(), cell("")) == base);
  CHECK(plan::cell_key(parts(), cell("", "x = 2\n")) != base);
  CHECK(plan::cell_key(parts(), cell("#| fig-width: 4\n")) != base);
  CHECK(plan::cell_key(parts(), cell("#| warning: false\n")) != base);
  CHECK(plan::cell_key(parts(), cell("#| timeout: 5\n")) != base);
  // How a result is shown is not part of it.
  CHECK(plan::cell_key(parts(), cell("#| echo: false\n#| fig-cap: A caption\n#| include: false\n")) == base);
  for (auto change : {&plan::KeyParts::image_digest, &plan::KeyParts::previous, &plan::KeyParts::inputs,
                      &plan::KeyParts::settings}) {
    plan::KeyParts p = parts();
    p.*change += "x";
    CHECK(plan::cell_key(p, cell("")) != base);
  }
  plan::InlinePlan in{"python", "x", {}};
  CHECK(plan::inline_key(parts(), in) != base);
}

TEST_CASE("declared inputs are hashed by content, beneath the document's directory") {
  TempDir dir("inputs-");
  std::filesystem::create_directories(dir.path() / "data");
  write(dir.path() / "data/a.csv", "1\n");
  write(dir.path() / "data/b.csv", "2\n");
  write(dir.path() / "notes.txt", "n\n");
  auto parsed = parse("```yaml {.manifest}\ninputs: [data/*.csv, notes.txt, missing/*.x]\n```\n", "t.md");
  plan::Plan plan = plan::make_plan(parsed.doc);
  CollectingReporter rep;
  plan::DeclaredInputs first = plan::hash_inputs(plan.manifest, dir.path(), rep);
  REQUIRE(first.files.size() == 3);
  CHECK(first.files[0].path == "data/a.csv");
  CHECK(first.files[0].digest.starts_with("sha256:"));
  REQUIRE(rep.diagnostics.size() == 1);
  CHECK(rep.diagnostics[0].message == "inputs: `missing/*.x` matches no file");
  CHECK(plan::hash_inputs(plan.manifest, dir.path(), rep).digest == first.digest);
  write(dir.path() / "data/b.csv", "3\n");
  CHECK(plan::hash_inputs(plan.manifest, dir.path(), rep).digest != first.digest);

  auto escaping = parse("```yaml {.manifest}\ninputs: [../*]\n```\n", "t.md");
  plan::Plan outside = plan::make_plan(escaping.doc);
  CHECK_THROWS_WITH(plan::hash_inputs(outside.manifest, dir.path() / "data", rep),
                    Catch::Contains("lies outside the document's directory"));
}
