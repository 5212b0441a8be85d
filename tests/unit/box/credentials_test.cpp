#include <catch2/catch.hpp>

#include "box/credentials.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::box;

namespace {
const char* kPasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "# a comment\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "broken line without fields\n"
    "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const char* kGroup =
    "root:x:0:\n"
    "staff:x:50:alice,bob\n"
    "alice:x:1000:\n"
    "docker:x:999:alice\n"
    "nogroup:x:65534:\n";
}  // namespace

TEST_CASE("users resolve by name or uid, with their groups and home") {
  auto a = resolve_user("alice", kPasswd, kGroup);
  CHECK(a.uid == 1000);
  CHECK(a.gid == 1000);
  CHECK(a.home == "/home/alice");
  CHECK(a.groups == std::vector<gid_t>{1000, 50, 999});
  CHECK(resolve_user("1000", kPasswd, kGroup).home == "/home/alice");
  auto root = resolve_user("", kPasswd, kGroup);
  CHECK(root.uid == 0);
  CHECK(root.home == "/root");
}

TEST_CASE("user:group forms and numeric ids without entries") {
  auto a = resolve_user("alice:staff", kPasswd, kGroup);
  CHECK(a.gid == 50);
  auto n = resolve_user("4242:4343", kPasswd, kGroup);
  CHECK(n.uid == 4242);
  CHECK(n.gid == 4343);
  CHECK(n.home == "/");
  auto bare = resolve_user("4242", kPasswd, kGroup);
  CHECK(bare.gid == 0);
}

TEST_CASE("unknown names are errors that say which file lacks them") {
  CHECK_THROWS_WITH(resolve_user("mallory", kPasswd, kGroup), Catch::Contains("unable to find user mallory"));
  CHECK_THROWS_WITH(resolve_user("alice:wheel", kPasswd, kGroup), Catch::Contains("unable to find group wheel"));
  // An image without /etc/passwd still runs as a numeric user.
  CHECK(resolve_user("7", "", "").uid == 7);
}
