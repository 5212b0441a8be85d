// The manifest's schema and the plan: images, sessions, which image a cell runs in.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "plan/plan.hpp"
#include "unit/doc/doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using waybill::plan::make_plan;
using waybill::doc::test::parse;

namespace {

std::string doc_with(const std::string& manifest, const std::string& rest = "") {
  return "# Paper\n\n```dockerfile {#analysis}\nFROM debian:bookworm\n```\n\n```yaml {.manifest}\n" + manifest + "```\n\n" +
         rest;
}

Error plan_error(const std::string& text) {
  auto parsed = parse(text, "paper.md");
  try {
    make_plan(parsed.doc);
  } catch (const Error& e) {
    return e;
  }
  FAIL("planned: " << text);
  return Error(ErrorKind::Internal, "unreachable");
}

}  // namespace

TEST_CASE("a full manifest is read") {
  auto parsed = parse(doc_with(
      "languages:\n"
      "  python: {image: analysis, command: [python3, -u]}\n"
      "  R: analysis\n"
      "inputs: [data/*.csv, refs.bib]\n"
      "mounts:\n"
      "  - data:/data\n"
      "  - {source: out, target: /out, writable: true}\n"
      "env: {LANG: C.UTF-8}\n"
      "network: host\n"
      "limits: {memory: 1g, cpus: 1.5, pids: 256, timeout: 2m, document-timeout: 30m}\n"
      "bases:\n"
      "  debian:bookworm:\n"
      "    bootstrap: {suite: bookworm, mirror: \"http://deb.debian.org/debian\", include: [python3]}\n"
      "  mine:1: {archive: images/mine.tar}\n"));
  auto plan = make_plan(parsed.doc);
  const auto& m = plan.manifest;
  CHECK(m.languages.at("python").command == std::vector<std::string>{"python3", "-u"});
  CHECK(m.languages.at("r").image == "analysis");
  CHECK(m.inputs.size() == 2);
  REQUIRE(m.mounts.size() == 2);
  CHECK_FALSE(m.mounts[0].writable);
  CHECK(m.mounts[1].writable);
  CHECK(m.env == std::vector<std::pair<std::string, std::string>>{{"LANG", "C.UTF-8"}});
  CHECK(m.network == plan::NetworkSetting::Host);
  CHECK(m.limits.memory_bytes == 1ull << 30);
  CHECK(m.limits.cpus == 1.5);
  CHECK(m.limits.pids == 256u);
  CHECK(m.limits.cell_timeout->count() == 120000);
  CHECK(m.limits.document_timeout->count() == 1800000);
  REQUIRE(m.base_for("debian:bookworm"));
  CHECK(m.base_for("debian:bookworm")->bootstrap->include == std::vector<std::string>{"python3"});
  CHECK(m.base_for("mine:1")->archive == "images/mine.tar");
  CHECK(m.network == plan::NetworkSetting::Host);
}

TEST_CASE("manifest mistakes are located at their line, with a hint") {
  Error typo = plan_error(doc_with("langauges: {python: analysis}\n"));
  CHECK(typo.message() == "manifest: unknown key `langauges` in the manifest");
  CHECK(typo.hint() == "did you mean `languages`?");
  CHECK(typo.loc().line == 8);
  Error network = plan_error(doc_with("languages: {python: analysis}\nnetwork: bridge\n"));
  CHECK(network.loc().line == 9);
  CHECK(network.message() == "manifest: network must be none or host, not `bridge`");
  CHECK(plan_error(doc_with("limits: {memory: lots}\n")).message() == "manifest: invalid limits.memory `lots`");
  CHECK(plan_error(doc_with("limits: {cpu: 2}\n")).hint() == "did you mean `cpus`?");
  CHECK(plan_error(doc_with("mounts: [data]\n")).message() == "manifest: invalid mount `data`");
  CHECK(plan_error(doc_with("bases: {x: {}}\n")).message() == "manifest: bases.x needs exactly one of bootstrap or archive");
  CHECK(plan_error(doc_with("inputs: {a: b}\n")).message() == "manifest: inputs must be a list, not a mapping");
}

TEST_CASE("sessions: one per image and language, cells in document order") {
  auto parsed = parse(doc_with("languages: {python: analysis}\n",
                               "```{python}\nx = 1\n```\n\n```{bash}\necho hi\n```\n\n```{python}\n#| eval: false\nskip\n```\n\n"
                               "```{python}\nprint(x)\n```\n"));
  auto plan = make_plan(parsed.doc);
  REQUIRE(plan.sessions.size() == 2);
  CHECK(plan.sessions[0].language == "python");
  CHECK(plan.sessions[0].cells == std::vector<size_t>{0, 3});
  CHECK(plan.sessions[1].language == "bash");
  CHECK(plan.sessions[1].image == "analysis");  // the only image
  CHECK_FALSE(plan.cell_session[2]);
  CHECK(plan::describe_plan(plan, parsed.doc).find("session python in analysis: 2 cells") != std::string::npos);
}

TEST_CASE("a cell's image: its option, the manifest, the front matter, the only image") {
  std::string two = "---\nwaybill: {image: second}\n---\n\n```dockerfile {#first}\nFROM a\n```\n\n```dockerfile {#second}\nFROM b\n```\n\n";
  auto parsed = parse(two + "```{python}\n#| image: first\nx\n```\n\n```{r}\ny\n```\n");
  auto plan = make_plan(parsed.doc);
  REQUIRE(plan.sessions.size() == 2);
  CHECK(plan.sessions[0].image == "first");
  CHECK(plan.sessions[1].image == "second");
  Error none = plan_error("```dockerfile {#a}\nFROM a\n```\n\n```dockerfile {#b}\nFROM b\n```\n\n```{python}\nx\n```\n");
  CHECK(none.loc().line == 9);
  CHECK(none.hint().find("choose one of a, b") == 0);
}

TEST_CASE("the flagship sample plans: its manifest validates, its cells find their image") {
  std::ifstream in(std::string(WAYBILL_SOURCE_DIR) + "/samples/paper/paper.md");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse(text.str(), "samples/paper/paper.md");
  auto plan = make_plan(parsed.doc);
  REQUIRE(plan.manifest.base_for("debian:bookworm"));
  CHECK(plan.manifest.network == plan::NetworkSetting::None);
  REQUIRE_FALSE(plan.sessions.empty());
  for (const auto& s : plan.sessions) CHECK(plan.image_block(s.image));
}

TEST_CASE("driver: jupyter chooses a kernel per language, defaulting by language") {
  auto parsed = parse(doc_with("languages:\n  python: {image: analysis, driver: jupyter}\n  r: {image: analysis, kernel: ir-4}\n",
                               "```{python}\n1\n```\n\n```{r}\n1\n```\n\n```{bash}\necho\n```\n"),
                      "paper.md");
  auto plan = make_plan(parsed.doc);
  REQUIRE(plan.sessions.size() == 3);
  CHECK(plan.sessions[0].kernel == "python3");
  CHECK(plan.sessions[1].kernel == "ir-4");
  CHECK(plan.sessions[2].kernel.empty());
  CHECK(plan_error(doc_with("languages: {python: {driver: kernel}}\n")).message() ==
        "manifest: languages.python.driver must be `builtin` or `jupyter`, not `kernel`");
  CHECK(plan_error(doc_with("languages: {python: {driver: builtin, kernel: python3}}\n")).message() ==
        "manifest: languages.python.kernel needs driver: jupyter");
  CHECK(plan_error(doc_with("languages: {ruby: {driver: jupyter}}\n")).message() ==
        "manifest: languages.ruby has no default Jupyter kernel");
  CHECK(plan_error(doc_with("languages: {python: {kernel: ../../etc}}\n")).message() ==
        "manifest: `../../etc` is not a kernelspec name");
  Error both = plan_error(doc_with("languages: {python: {kernel: python3, command: [python3]}}\n"));
  CHECK(both.message() == "manifest: languages.python has both a command and driver: jupyter");
  CHECK(both.loc().line == 8);
}
