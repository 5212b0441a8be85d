#include <catch2/catch.hpp>

#include "site/links.hpp"
#include "site/page_key.hpp"
#include "site/project.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::site;
namespace fs = std::filesystem;

namespace {

struct Folder {
  TempDir dir{"waybill-site-test-"};
  void put(const std::string& rel, const std::string& text) {
    make_dirs((dir.path() / rel).parent_path());
    write_file_atomic(dir.path() / rel, text);
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.loc().str() + ": " + e.message();
  }
  return "no error";
}

}  // namespace

TEST_CASE("waybill.yml gives the title, the pages in sections, the output and defaults", "[site]") {
  Folder f;
  f.put("waybill.yml", "title: T\noutput: out\npages:\n  - index.md\n  - section: S\n    pages: [a/one.md]\n"
                       "defaults:\n  execute: {echo: false}\n  manifest: {network: host}\n");
  f.put("index.md", "# Home\n");
  f.put("a/one.md", "# One\n");
  CollectingReporter rep;
  Project p = load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep);
  CHECK(p.title == "T");
  CHECK(p.output == f.dir.path() / "out");
  REQUIRE(p.pages.size() == 2);
  CHECK(p.pages[1].path == "a/one.md");
  CHECK(p.pages[1].section == "S");
  REQUIRE(p.front_matter.get("execute"));
  REQUIRE(p.manifest);
  CHECK(p.manifest->network == plan::NetworkSetting::Host);
}

TEST_CASE("without pages:, a site is every document in name order, index first", "[site]") {
  Folder f;
  f.put("b.md", "# B\n");
  f.put("index.md", "# Home\n");
  f.put("a.Rmd", "# A\n");
  f.put("_drafts/x.md", "# X\n");
  f.put("_site/old.md", "# Old\n");
  CollectingReporter rep;
  Project p = load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep);
  REQUIRE(p.pages.size() == 3);
  CHECK(p.pages[0].path == "index.md");
  CHECK(p.pages[1].path == "a.Rmd");
  CHECK(p.pages[2].path == "b.md");
}

TEST_CASE("a wrong waybill.yml is an error at its place", "[site]") {
  Folder f;
  f.put("index.md", "# Home\n");
  CollectingReporter rep;
  f.put("waybill.yml", "pages: [index.md, index.md]\n");
  CHECK(error_of([&] { load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep); }).find("waybill.yml:1:19: the page `index.md` is listed twice") !=
        std::string::npos);
  f.put("waybill.yml", "pages: [../outside.md]\n");
  CHECK(error_of([&] { load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep); }).find("lies outside the project folder") != std::string::npos);
  f.put("waybill.yml", "output: .\n");
  CHECK(error_of([&] { load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep); }).find("the output folder is the project folder") != std::string::npos);
  f.put("waybill.yml", "images: {env: \"  \"}\n");
  CHECK(error_of([&] { load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep); }).find("images.env is empty") != std::string::npos);
}

TEST_CASE("links to pages become links to their HTML, and broken ones are errors at their place", "[site]") {
  Folder f;
  f.put("waybill.yml", "pages: [index.md, lessons/two.md]\n");
  f.put("index.md", "# Home\n\n[two](lessons/two.md#part), [file](data.csv), [web](https://example.org), @fig-x\n\n"
                    "[gone](nothing.md) and [no anchor](lessons/two.md#none) and @sec-nowhere\n");
  f.put("lessons/two.md", "# Two\n\n## Part {#part}\n\n![A figure](pic.png){#fig-x}\n\n[back](../index.md) [up](../../x.md)\n");
  f.put("data.csv", "a\n");
  CollectingReporter rep;
  Project p = load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep);
  std::vector<PageScan> scans;
  for (const auto& e : p.pages) scans.push_back(scan_page(p, e, rep));
  SiteLinks links(p, scans, {"provenance.html"});
  doc::Document home = scans[0].doc;
  LinkReport r = links.resolve(home, scans[0]);
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].loc.line == 5);
  CHECK(r.errors[0].message.find("broken link: `nothing.md`") != std::string::npos);
  CHECK(r.errors[1].message.find("has no `#none`") != std::string::npos);
  CHECK(r.errors[2].message.find("unknown cross-reference `@sec-nowhere`") != std::string::npos);
  CHECK(r.files == std::vector<std::string>{"data.csv"});
  REQUIRE(r.refs.count("fig-x"));
  CHECK(r.refs["fig-x"].starts_with("lessons/two.html#fig-x"));
  const auto& para = home.blocks[1].inlines;
  CHECK(para[0].target == "lessons/two.html#part");
  doc::Document two = scans[1].doc;
  LinkReport r2 = links.resolve(two, scans[1]);
  REQUIRE(r2.errors.size() == 1);
  CHECK(r2.errors[0].message.find("leads out of the site") != std::string::npos);
}

TEST_CASE("a page's key changes with its text and with the navigation, not with a touch", "[site]") {
  Folder f;
  f.put("index.md", "# Home\n\nText.\n");
  CollectingReporter rep;
  Project p = load_project(f.dir.path(), "", PathRoots::of(f.dir.path(), {}, false), rep);
  auto key = [&](const std::string& nav) {
    PageScan s = scan_page(p, p.pages[0], rep);
    StoreDigests store;
    return page_key(KeyContext{p, nav, "", store}, s, LinkReport{});
  };
  std::string k1 = key("nav1");
  fs::last_write_time(f.dir.path() / "index.md", fs::file_time_type::clock::now());
  CHECK(key("nav1") == k1);
  CHECK(key("nav2") != k1);
  f.put("index.md", "# Home\n\nOther text.\n");
  CHECK(key("nav1") != k1);
}
