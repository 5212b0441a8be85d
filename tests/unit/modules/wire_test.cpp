// The requests and replies of the module seams (modules/document_wire.hpp,
// oci/module_wire.hpp): every field set away from its default comes back as it went.
#include <catch2/catch.hpp>

#include "modules/document_wire.hpp"

using namespace waybill;
using nlohmann::json;

namespace {

// Through MessagePack, as the seam carries it.
template <class T>
T cross(const T& value) {
  return json::from_msgpack(json::to_msgpack(json(value))).get<T>();
}

plan::Grants some_grants() {
  plan::Grants g;
  g.trust = true;
  g.network = true;
  g.mounts = {"/data"};
  g.paths = {"/srv/shared"};
  g.ceilings.memory_bytes = 1ull << 33;
  g.ceilings.cpus = 1.5;
  g.ceilings.pids = 99;
  g.ceilings.cell_timeout = std::chrono::milliseconds(1500);
  g.ceilings.document_timeout = std::chrono::milliseconds(7200000);
  g.ceilings.output_bytes = 1;
  g.ceilings.cell_output_bytes = 2;
  g.ceilings.document_output_bytes = 3;
  g.ceilings.where["memory"] = SourceLoc{"paper.md", 7, 5};
  return g;
}

}  // namespace

TEST_CASE("a render request crosses whole, grants and limits included") {
  driver::RenderRequest r;
  r.files = {"a.md", "b\xff.md"};
  r.formats = {"pdf"};
  r.output_dir = "out";
  r.template_path = "t.html";
  r.self_contained = r.dry_run = r.no_execute = r.no_cache = r.refresh = r.timings = r.lock = r.exiting_after = true;
  r.stats_file = "s.json";
  r.sign_key = "k.pem";
  r.grants = some_grants();
  driver::RenderRequest back = cross(r);
  CHECK(back.files == r.files);
  CHECK(back.formats == r.formats);
  CHECK(back.output_dir == "out");
  CHECK(back.template_path == "t.html");
  CHECK((back.self_contained && back.dry_run && back.no_execute && back.no_cache && back.refresh && back.timings &&
         back.lock && back.exiting_after));
  CHECK(back.stats_file == "s.json");
  CHECK(back.sign_key == "k.pem");
  CHECK(back.page == nullptr);
  CHECK(back.projects == nullptr);
  const plan::Grants& g = back.grants;
  CHECK((g.trust && g.network));
  CHECK(g.mounts == std::vector<std::filesystem::path>{"/data"});
  CHECK(g.paths == std::vector<std::filesystem::path>{"/srv/shared"});
  CHECK(g.ceilings.memory_bytes == (1ull << 33));
  CHECK(g.ceilings.cpus == 1.5);
  CHECK(g.ceilings.pids == 99u);
  CHECK(g.ceilings.cell_timeout == std::chrono::milliseconds(1500));
  CHECK(g.ceilings.document_timeout == std::chrono::milliseconds(7200000));
  CHECK(g.ceilings.output_bytes == 1u);
  CHECK(g.ceilings.cell_output_bytes == 2u);
  CHECK(g.ceilings.document_output_bytes == 3u);
  CHECK(g.ceilings.where.at("memory").str() == "paper.md:7:5");
}

TEST_CASE("unset limits stay unset") {
  plan::Grants back = cross(plan::Grants{});
  CHECK(!back.ceilings.memory_bytes);
  CHECK(!back.ceilings.cell_timeout);
  CHECK(back.ceilings.where.empty());
}

TEST_CASE("a check outcome crosses with its drifts and its error") {
  driver::CheckOutcome o;
  prov::DocumentCheck d;
  d.document = "paper.md";
  d.steps.push_back(prov::Drift{"cell/fig", 12, prov::Verdict::Drifted, "output changed", "--- a\n+++ b\n", 0.25});
  d.environment.push_back(prov::Drift{"image/py", 0, prov::Verdict::Passed, "", "", 0});
  o.documents = {d};
  o.report = "report\n";
  o.drifted = true;
  o.error = Error(ErrorKind::Cell, "cell failed", SourceLoc{"paper.md", 12, 1}, "see its output");
  driver::CheckOutcome back = cross(o);
  REQUIRE(back.documents.size() == 1);
  CHECK(back.documents[0].document == "paper.md");
  REQUIRE(back.documents[0].steps.size() == 1);
  const prov::Drift& s = back.documents[0].steps[0];
  CHECK((s.name == "cell/fig" && s.line == 12 && s.verdict == prov::Verdict::Drifted && s.detail == "output changed"));
  CHECK(s.diff == "--- a\n+++ b\n");
  CHECK(s.seconds == 0.25);
  CHECK(back.documents[0].environment.size() == 1);
  CHECK(back.report == "report\n");
  CHECK(back.drifted);
  REQUIRE(back.error);
  CHECK(back.error->kind() == ErrorKind::Cell);
  CHECK(back.error->loc().str() == "paper.md:12:1");
  CHECK(back.error->hint() == "see its output");
  CHECK(!cross(driver::CheckOutcome{}).error);
}

TEST_CASE("a build request and its response cross whole") {
  BuildRequest r;
  r.context = "ctx";
  r.dockerfile = "paper.md";
  r.dockerfile_text = "FROM debian:bookworm\n";
  r.dockerfile_name = "paper.md (py)";
  r.first_line = 30;
  r.tags = {"paper/py"};
  r.build_args = {"A=1"};
  r.target = "final";
  r.policy = BuildPolicy{true, false, true};
  r.network = "none";
  r.source_date_epoch = 1700000000;
  r.compression = "zstd";
  BaseRecipe base;
  base.reference = "debian:bookworm";
  base.bootstrap.include = {"python3"};
  base.bootstrap.mirror = "http://mirror";
  r.bases = {base};
  BuildRequest back = cross(r);
  CHECK(back.context == "ctx");
  CHECK(back.dockerfile_text == r.dockerfile_text);
  CHECK(back.dockerfile_name == "paper.md (py)");
  CHECK(back.first_line == 30);
  CHECK(back.tags == r.tags);
  CHECK(back.build_args == r.build_args);
  CHECK(back.target == "final");
  CHECK((back.policy.no_cache && !back.policy.pull_bases && back.policy.refresh_bases));
  CHECK(back.network == "none");
  CHECK(back.source_date_epoch == 1700000000);
  CHECK(back.compression == "zstd");
  REQUIRE(back.bases.size() == 1);
  CHECK(back.bases[0].bootstrap.include == std::vector<std::string>{"python3"});
  CHECK(back.bases[0].bootstrap.mirror == "http://mirror");
  CHECK(!cross(BuildRequest{}).dockerfile_text);
  CHECK(!cross(BuildRequest{}).source_date_epoch);

  BuildResponse resp;
  resp.digest = "sha256:ab";
  resp.steps = 4;
  resp.cached = 3;
  resp.bases.push_back({"debian:bookworm", "sha256:cd", "bootstrap", {{"org.waybill.suite", "bookworm"}}});
  BuildResponse rback = cross(resp);
  CHECK((rback.digest == "sha256:ab" && rback.steps == 4 && rback.cached == 3));
  REQUIRE(rback.bases.size() == 1);
  CHECK(rback.bases[0].labels.at("org.waybill.suite") == "bookworm");
}

TEST_CASE("a site's request and outcome cross whole") {
  site::SiteRequest r;
  r.dir = "course";
  r.output = "_site";
  r.jobs = 3;
  r.no_cache = r.refresh = r.no_execute = true;
  r.stats_file = "stats.json";
  r.grants.network = true;
  site::SiteRequest back = cross(r);
  CHECK((back.dir == "course" && back.output == "_site" && back.jobs == 3u && back.stats_file == "stats.json"));
  CHECK((back.no_cache && back.refresh && back.no_execute && back.grants.network));

  site::SiteOutcome o;
  o.output = "_site";
  o.pages = 30;
  o.rendered = {"a.md"};
  o.failed = {"b.md"};
  o.unchanged = 28;
  o.written = {"a.html"};
  o.removed = {"old.html"};
  o.cells_run = 5;
  o.cells_cached = 6;
  o.images_built = 1;
  o.milliseconds = 12.5;
  o.timings = {{"read", 1.5}};
  site::SiteOutcome oback = cross(o);
  CHECK((oback.pages == 30u && oback.unchanged == 28u && oback.cells_run == 5u && oback.cells_cached == 6u));
  CHECK((oback.images_built == 1u && oback.milliseconds == 12.5 && oback.timings.at("read") == 1.5));
  CHECK((oback.rendered == o.rendered && oback.failed == o.failed && oback.written == o.written &&
         oback.removed == o.removed));
}
