// What a document may ask for without the user's consent (plan/trust.hpp) and where a
// document may read (util/project_paths.hpp).
#include <catch2/catch.hpp>

#include "unit/error_of.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plan/plan.hpp"
#include "plan/trust.hpp"
#include "unit/doc/doc_test_util.hpp"
#include "util/fs.hpp"

using namespace waybill;
using waybill::doc::test::parse;
namespace fs = std::filesystem;

namespace {

plan::Manifest manifest(const std::string& yaml) {
  auto parsed = parse("# P\n\n```dockerfile {#env}\nFROM debian:bookworm\n```\n\n```yaml {.manifest}\nlanguages: {python: env}\n" +
                          yaml + "```\n",
                      "paper.md");
  return plan::make_plan(parsed.doc).manifest;
}

using waybill::test::error_of;

// A project folder with a file in it, and one outside it.
struct Project {
  fs::path root = fs::temp_directory_path() / ("wb-trust-" + std::to_string(::getpid()));
  fs::path project = root / "project", outside = root / "outside";
  Project() {
    fs::create_directories(project / "data");
    fs::create_directories(outside);
    std::ofstream(project / "refs.bib") << "@misc{a}\n";
    std::ofstream(outside / "secret") << "secret\n";
    fs::create_symlink(outside / "secret", project / "link");
  }
  ~Project() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("without a manifest's word, cells get the default limits") {
  auto l = plan::effective_limits(manifest(""), {});
  CHECK(l.memory_bytes == 2ull << 30);
  CHECK(l.pids == 1024u);
  CHECK(l.cell_timeout == std::chrono::minutes(10));
  CHECK(l.document_timeout == std::chrono::hours(1));
  CHECK(l.output_bytes == 8u << 20);
}

TEST_CASE("a manifest may lower a limit, and raise it only as far as the command line allows") {
  CHECK(plan::effective_limits(manifest("limits: {memory: 256m, timeout: 5s}\n"), {}).memory_bytes == 256u << 20);
  Error e = error_of([] { plan::effective_limits(manifest("limits: {memory: 64g}\n"), {}); });
  CHECK(e.loc().line > 0);
  CHECK(e.hint().find("--limit memory=64g") != std::string::npos);

  plan::Grants g;
  plan::set_ceiling(g.ceilings, "memory=8g");
  CHECK(plan::effective_limits(manifest("limits: {memory: 8g}\n"), g).memory_bytes == 8ull << 30);
  CHECK_THROWS_AS(plan::effective_limits(manifest("limits: {memory: 9g}\n"), g), Error);
  g = {};
  g.trust = true;
  CHECK(plan::effective_limits(manifest("limits: {pids: 100000}\n"), g).pids == 100000u);
}

TEST_CASE("a ceiling is KEY=VALUE, and a wrong one says what it wants") {
  plan::LimitSettings c;
  plan::set_ceiling(c, "timeout=2h");
  CHECK(c.cell_timeout == std::chrono::hours(2));
  plan::set_ceiling(c, "pids=4096");
  CHECK(c.pids == 4096u);
  for (const char* wrong : {"memory", "memory=", "memory=lots", "colour=3", "pids=-1"})
    CHECK(error_of([&] { plan::set_ceiling(c, wrong); }).kind() == ErrorKind::Usage);
}

TEST_CASE("the host's network and mounts need the user's consent") {
  Project p;
  Error net = error_of([&] { plan::check_privileges(manifest("network: host\n"), {}, p.project, p.project); });
  CHECK(net.message().find("host's network") != std::string::npos);
  CHECK(net.hint().find("--allow-network") != std::string::npos);
  plan::Grants g;
  g.network = true;
  CHECK_NOTHROW(plan::check_privileges(manifest("network: host\n"), g, p.project, p.project));

  // A read-only folder of the project is fine; writable, or outside it, is not.
  CHECK_NOTHROW(plan::check_privileges(manifest("mounts: [data:/data]\n"), {}, p.project, p.project));
  Error rw = error_of([&] { plan::check_privileges(manifest("mounts: [data:/data:rw]\n"), {}, p.project, p.project); });
  CHECK(rw.message().find("writable") != std::string::npos);
  Error root = error_of([&] { plan::check_privileges(manifest("mounts: ['/:/host']\n"), {}, p.project, p.project); });
  CHECK(root.message().find("outside the project") != std::string::npos);
  CHECK(root.hint().find("--allow-mount /") != std::string::npos);
  // A link in the project that leads out of it is outside.
  CHECK_THROWS_AS(plan::check_privileges(manifest("mounts: [link:/x]\n"), {}, p.project, p.project), Error);
  g = {};
  g.mounts.push_back(p.outside);
  CHECK_NOTHROW(plan::check_privileges(manifest("mounts: ['" + p.outside.string() + ":/o:rw']\n"), g, p.project,
                                       p.project));
  g = {};
  g.trust = true;
  CHECK_NOTHROW(plan::check_privileges(manifest("mounts: ['/:/host:rw']\nnetwork: host\n"), g, p.project, p.project));
}

TEST_CASE("a document reads beneath its project, links included, unless allowed more") {
  Project p;
  auto roots = PathRoots::of(p.project, {}, false);
  CHECK(read_project_file(roots, p.project, "refs.bib", "the bibliography") == "@misc{a}\n");
  for (const std::string& escape : std::vector<std::string>{"../outside/secret", (p.outside / "secret").string(), "link", "/etc/passwd"}) {
    Error e = error_of([&] { read_project_file(roots, p.project, escape, "the bibliography"); });
    CHECK(e.message().find("outside the project") != std::string::npos);
    CHECK(e.hint().find("--allow-path") != std::string::npos);
  }
  auto allowed = PathRoots::of(p.project, {p.outside}, false);
  CHECK(read_project_file(allowed, p.project, "link", "x") == "secret\n");
  CHECK(read_project_file(allowed, p.project, "../outside/secret", "x") == "secret\n");
  CHECK(lies_beneath(roots, p.project / "_site"));
  CHECK_FALSE(lies_beneath(roots, p.project / ".." / "elsewhere"));
  CHECK(lies_beneath(PathRoots::of(p.project, {}, true), "/etc"));
}

TEST_CASE("what was granted is said in the record and on the page") {
  plan::Grants g;
  CHECK(g.to_json().empty());
  CHECK(g.describe().empty());
  g.network = true;
  g.mounts.push_back("/data");
  plan::set_ceiling(g.ceilings, "memory=8g");
  CHECK(g.to_json()["network"] == true);
  CHECK(g.to_json()["limits"]["memory"] == 8ull << 30);
  CHECK(g.describe().find("--allow-network") != std::string::npos);
  CHECK(g.describe().find("--allow-mount /data") != std::string::npos);
  CHECK(g.describe().find("--limit memory=8g") != std::string::npos);
  g.trust = true;
  CHECK(g.describe() == "--trust");
}
