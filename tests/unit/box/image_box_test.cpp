#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <cstdlib>

#include "box/image_box.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;
namespace fs = std::filesystem;

namespace {
oci::RunConfig image() {
  oci::RunConfig rc;
  rc.entrypoint = {"/entry.sh"};
  rc.cmd = {"serve", "--port", "80"};
  rc.env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
  rc.working_dir = "/app";
  rc.user = "app";
  return rc;
}
}  // namespace

TEST_CASE("argv follows Docker: the entrypoint, then the command or else the image's Cmd") {
  RunOptions o;
  CHECK(box_spec_for(image(), {}, o).argv == std::vector<std::string>{"/entry.sh", "serve", "--port", "80"});
  o.command = {"check"};
  CHECK(box_spec_for(image(), {}, o).argv == std::vector<std::string>{"/entry.sh", "check"});
  o.entrypoint = "";
  CHECK(box_spec_for(image(), {}, o).argv == std::vector<std::string>{"check"});
  o.command.clear();
  o.entrypoint = "/bin/sh";
  CHECK(box_spec_for(image(), {}, o).argv == std::vector<std::string>{"/bin/sh"});
}

TEST_CASE("options override the image's Env, WorkingDir and User") {
  ::setenv("WAYBILL_TEST_PASSED", "from-host", 1);
  RunOptions o;
  auto spec = box_spec_for(image(), {"/l1", "/l2"}, o);
  CHECK(spec.cwd == "/app");
  CHECK(spec.user == "app");
  CHECK(spec.root.lower == std::vector<fs::path>{"/l1", "/l2"});
  o.env = {"LANG=de_DE.UTF-8", "EXTRA=1", "WAYBILL_TEST_PASSED", "WAYBILL_TEST_UNSET"};
  o.workdir = "/work";
  o.user = "1000:1000";
  spec = box_spec_for(image(), {}, o);
  CHECK(spec.env == std::vector<std::string>{"PATH=/usr/bin:/bin", "LANG=de_DE.UTF-8", "EXTRA=1",
                                             "WAYBILL_TEST_PASSED=from-host"});
  CHECK(spec.cwd == "/work");
  CHECK(spec.user == "1000:1000");
  o.workdir = "relative";
  CHECK_THROWS_WITH(box_spec_for(image(), {}, o), Catch::Contains("not absolute"));
}

TEST_CASE("volumes: SRC:DST[:ro|:rw], read-write by default, sources must exist") {
  TempDir t;
  make_dirs(t.path() / "data");
  auto m = parse_volume("data:/data", t.path());
  CHECK(m.source == fs::canonical(t.path() / "data"));
  CHECK(m.target == "/data");
  CHECK_FALSE(m.read_only);
  CHECK(parse_volume((t.path() / "data").string() + ":/d:ro", "/").read_only);
  CHECK_FALSE(parse_volume((t.path() / "data").string() + ":/d:rw", "/").read_only);
  CHECK_THROWS_WITH(parse_volume("nope:/d", t.path()), Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(parse_volume("data:rel", t.path()), Catch::Contains("absolute"));
  CHECK_THROWS_WITH(parse_volume("data", t.path()), Catch::Contains("invalid volume `data`"));
}

TEST_CASE("ulimits: NAME=SOFT[:HARD] with Docker's names") {
  auto r = parse_ulimit("nofile=64:128");
  CHECK(r.resource == RLIMIT_NOFILE);
  CHECK(r.soft == 64);
  CHECK(r.hard == 128);
  CHECK(parse_ulimit("nproc=10").hard == 10);
  CHECK_THROWS_WITH(parse_ulimit("nofiles=1"), Catch::Contains("unknown limit `nofiles`"));
  CHECK_THROWS_WITH(parse_ulimit("nofile=9:8"), Catch::Contains("soft limit is above"));
  CHECK_THROWS_WITH(parse_ulimit("nofile=-1"), Catch::Contains("not a number"));
  CHECK_THROWS_WITH(parse_ulimit("nofile"), Catch::Contains("no `=`"));
}
