#include <catch2/catch.hpp>

#include "util/id_map.hpp"

using namespace waybill;

namespace {

std::string text_of(const std::vector<IdMapping>& map) {
  std::string out;
  for (const auto& a : id_map_arguments(map)) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

TEST_CASE("a user's subordinate ranges are found by name or by number, in file order") {
  std::string file =
      "# comment\n"
      "alice:100000:65536\n"
      "bob:165536:65536\n"
      "1001:231072:1000\n"
      "  alice : 300000 : 10 \n";
  auto alice = subordinate_ranges(file, "alice", 1000);
  REQUIRE(alice.size() == 2);
  CHECK((alice[0].start == 100000 && alice[0].count == 65536));
  CHECK((alice[1].start == 300000 && alice[1].count == 10));
  auto bob = subordinate_ranges(file, "bob", 1001);
  REQUIRE(bob.size() == 2);
  CHECK(bob[1].start == 231072);
  CHECK(subordinate_ranges(file, "carol", 1002).empty());
}

TEST_CASE("lines that do not parse are skipped, as shadow-utils skips them") {
  std::string file =
      "alice:100000\n"
      "alice:x:65536\n"
      "alice:100000:0\n"
      "alice:-1:10\n"
      "alice:4294967295:2\n"
      "alice:4294901760:65536\n";
  auto r = subordinate_ranges(file, "alice", 1000);
  REQUIRE(r.size() == 1);
  CHECK(r[0].start == 4294901760u);
}

TEST_CASE("the rootless map: the user is 0 inside, then 65536 subordinate ids") {
  auto m = rootless_map(1000, 1000, {{100000, 65536}}, {{200000, 65536}});
  CHECK(!m.single);
  CHECK(text_of(m.uid_map) == "0 1000 1 1 100000 65536");
  CHECK(text_of(m.gid_map) == "0 1000 1 1 200000 65536");
  CHECK(host_id_of(m.uid_map, 0) == 1000u);
  CHECK(host_id_of(m.uid_map, 42) == 100041u);   // _apt, say
  CHECK(host_id_of(m.uid_map, 65534) == 165533u);  // nobody
  CHECK(!host_id_of(m.uid_map, 65537));
}

TEST_CASE("several short ranges fill the 65536 ids in order, and no more") {
  auto m = rootless_map(1000, 1000, {{100000, 1000}, {500000, 100000}}, {{200000, 70000}});
  CHECK(text_of(m.uid_map) == "0 1000 1 1 100000 1000 1001 500000 64536");
  CHECK(text_of(m.gid_map) == "0 1000 1 1 200000 65536");
}

TEST_CASE("no subordinate range on either side is the single mapping") {
  auto m = rootless_map(1000, 1000, {}, {{200000, 65536}});
  CHECK(m.single);
  CHECK(text_of(m.uid_map) == "0 1000 1");
  CHECK(text_of(m.gid_map) == "0 1000 1");
  CHECK(!host_id_of(m.uid_map, 1));
}

TEST_CASE("the kernel's switches that refuse unprivileged user namespaces are named with their fix") {
  CHECK(user_namespace_refusal("15000\n", "", "") == "");
  CHECK(user_namespace_refusal("", "", "") == "");
  CHECK(user_namespace_refusal("0\n", "", "").find("user.max_user_namespaces is 0") != std::string::npos);
  CHECK(user_namespace_refusal("100", "0\n", "").find("kernel.unprivileged_userns_clone") != std::string::npos);
  CHECK(user_namespace_refusal("100", "1", "1\n").find("AppArmor") != std::string::npos);
  CHECK(user_namespace_refusal("100", "1", "0") == "");
}

TEST_CASE("a /proc uid_map file is read as the kernel pads it, and junk lines are skipped") {
  auto initial = parse_id_map("         0          0 4294967295\n");
  REQUIRE(initial.size() == 1);
  CHECK(initial[0].size == 4294967295u);
  auto rootless = parse_id_map("         0       1001          1\n         1     100000      65536\n");
  CHECK(text_of(rootless) == "0 1001 1 1 100000 65536");
  CHECK(host_id_of(rootless, 5) == 100004u);
  CHECK(parse_id_map("0 1001\n1 2 3 4\nx 1 2\n-1 0 1\n4294967296 0 1\n").empty());
  CHECK(parse_id_map("").empty());
}
