// The provenance record (prov/record.hpp): an in-toto Statement v1 with a SLSA v1
// predicate, its subjects hashed from disk and its byproducts taken from the results.
#include <catch2/catch.hpp>

#include <fstream>

#include "prov/record.hpp"
#include "unit/doc/doc_test_util.hpp"
#include "util/fs.hpp"

using namespace waybill;
using waybill::doc::test::parse;

TEST_CASE("a render's record names its outputs, images, inputs and cells") {
  TempDir dir("record-");
  std::ofstream(dir.path() / "t.html") << "<p>hello</p>";
  auto parsed = parse("```{python}\n#| label: one\nx = 1\n```\n", "t.md");
  exec::Results results;
  results.cells.resize(1);
  results.cell_images = {"env"};
  exec::CellResult r;
  r.outputs.push_back(exec::CellOutput{exec::OutputKind::Stream, "stdout", "1\n", {}, {}, {}});
  r.key = "abc";
  r.cached = true;
  r.seconds = 0.5;
  r.unenforced_limits = {"memory", "pids"};
  results.cells[0] = r;
  exec::DocumentImage image;
  image.name = "env";
  image.digest = "sha256:" + std::string(64, 'e');
  image.from_block = true;
  image.bases.push_back(exec::BaseOrigin{"debian:bookworm", "sha256:" + std::string(64, 'b'), "bootstrap",
                                         {{"org.waybill.bootstrap.suite", "bookworm"}}, {}, {}});
  results.images["env"] = image;
  results.inputs.files.push_back(plan::InputFile{"data.csv", "sha256:" + std::string(64, 'd')});

  prov::RecordInput in;
  in.document = &parsed.doc;
  in.document_digest = "sha256:" + std::string(64, '0');
  in.options = {{"formats", {"html"}}};
  in.results = &results;
  in.output_dir = dir.path();
  in.outputs = {"t.html"};
  in.invocation_id = prov::random_uuid();
  in.started_on = in.finished_on = prov::utc_now();
  nlohmann::json st = prov::make_statement(in);

  CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(st["predicateType"] == "https://slsa.dev/provenance/v1");
  CHECK(st["subject"][0]["name"] == "t.html");
  CHECK(st["subject"][0]["digest"]["sha256"] == prov::file_digest(dir.path() / "t.html").substr(7));
  const auto& def = st["predicate"]["buildDefinition"];
  CHECK(def["buildType"].get<std::string>().starts_with("https://waybill.dev/buildtypes/render/v"));
  CHECK(def["externalParameters"]["document"]["path"] == "t.md");
  const auto& deps = def["resolvedDependencies"];
  REQUIRE(deps.size() == 3);
  CHECK(deps[0]["name"] == "image/env");
  CHECK(deps[0]["digest"]["sha256"] == std::string(64, 'e'));
  CHECK(deps[1]["name"] == "base/debian:bookworm");
  CHECK(deps[1]["annotations"]["obtainedBy"] == "bootstrap");
  CHECK(deps[1]["annotations"]["org.waybill.bootstrap.suite"] == "bookworm");
  CHECK(deps[2]["name"] == "input/data.csv");
  const auto& cell = st["predicate"]["runDetails"]["byproducts"][0];
  CHECK(cell["name"] == "cell/one");
  CHECK(cell["annotations"]["image"] == image.digest);
  CHECK(cell["annotations"]["cached"] == true);
  CHECK(cell["annotations"]["cacheKey"] == "abc");
  CHECK(cell["annotations"]["outputs"][0]["kind"] == "stdout");
  CHECK(cell["annotations"]["limitsNotEnforced"] == nlohmann::json({"memory", "pids"}));
  std::string id = st["predicate"]["runDetails"]["metadata"]["invocationId"];
  CHECK(id.size() == 36);
  CHECK(id[14] == '4');
}
