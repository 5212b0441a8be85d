#include <catch2/catch.hpp>

#include "box/cgroups.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;
namespace fs = std::filesystem;

namespace {

// This machine's shape: cgroup v1 controllers, and an empty v2 hierarchy beside them.
const char* kHybridMountinfo =
    "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,memory\n"
    "36 30 0:32 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,pids\n"
    "37 30 0:33 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct\n";
const char* kHybridSelf =
    "12:pids:/\n"
    "9:memory:/process_api/abc\n"
    "4:cpu,cpuacct:/\n"
    "0::/\n";

const char* kV2Mountinfo = "40 1 0:35 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 rw,nsdelegate\n";

}  // namespace

TEST_CASE("hybrid machines take each controller from the v1 hierarchy that has it") {
  auto places = find_controllers(kHybridMountinfo, kHybridSelf, [](const fs::path&) { return std::string("hugetlb\n"); });
  REQUIRE(places.count("memory"));
  CHECK(places["memory"].version == CgroupVersion::V1);
  CHECK(places["memory"].parent == "/sys/fs/cgroup/memory/process_api/abc");
  CHECK(places["pids"].parent == "/sys/fs/cgroup/pids");
  CHECK(places["cpu"].parent == "/sys/fs/cgroup/cpu,cpuacct");
}

TEST_CASE("v2 machines nest boxes under a waybill cgroup at the root") {
  auto places = find_controllers(kV2Mountinfo, "0::/user.slice/session-1.scope\n",
                                 [](const fs::path&) { return std::string("cpuset cpu io memory pids\n"); });
  REQUIRE(places.size() == 3);
  CHECK(places["memory"].version == CgroupVersion::V2);
  CHECK(places["memory"].parent == "/sys/fs/cgroup/waybill");
  CHECK(places["memory"].v2_root == "/sys/fs/cgroup");
}

TEST_CASE("a rootless waybill nests boxes in its own delegated v2 cgroup, never at the root") {
  std::map<std::string, fs::path> asked;
  auto read = [&](const fs::path& p) {
    asked[p.filename()] = p;
    return std::string("cpu memory pids\n");
  };
  const char* self = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope\n";
  auto places = find_controllers(kV2Mountinfo, self, read, true);
  REQUIRE(places.size() == 3);
  fs::path own = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope";
  CHECK(places["memory"].delegated);
  CHECK(places["memory"].parent == own);
  CHECK(places["memory"].v2_root == own);
  CHECK(asked["cgroup.controllers"] == own / "cgroup.controllers");
  // After waybill moved itself into its leaf, the boxes still go beside it.
  std::string moved = std::string("0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope/") +
                      kSupervisorCgroup + "\n";
  CHECK(find_controllers(kV2Mountinfo, moved, read, true)["pids"].parent == own);
  // Controllers the delegation does not pass down are not offered.
  CHECK(find_controllers(kV2Mountinfo, self, [](const fs::path&) { return std::string("pids\n"); }, true).size() == 1);
  // A user's process at the hierarchy's root (no delegation) gets no v2 place.
  CHECK(find_controllers(kV2Mountinfo, "0::/\n", read, true).empty());
  // On a hybrid machine a rootless waybill still finds the v1 hierarchies (whose
  // directories it cannot write; creating the box's cgroup then reports the limit).
  CHECK(find_controllers(kHybridMountinfo, kHybridSelf, read, true).at("memory").version == CgroupVersion::V1);
}

TEST_CASE("no controllers means every limit is reported as unenforced") {
  std::vector<UnenforcedLimit> unenforced;
  Limits limits;
  limits.memory_bytes = 1 << 26;
  limits.pids = 10;
  auto guard = CgroupGuard::create(limits, "waybill-x", {}, unenforced);
  CHECK(guard.empty());
  REQUIRE(unenforced.size() == 2);
  CHECK(unenforced[0].limit == "memory");
  CHECK(unenforced[0].message.find("--memory is not enforced") == 0);
  CHECK(unenforced[1].limit == "pids");
  CHECK(unenforced[1].message.find("--pids is not enforced") == 0);
}

TEST_CASE("limits are written in each version's own files") {
  TempDir dir;
  for (const char* f : {"memory.max", "memory.swap.max", "pids.max", "cpu.max", "memory.limit_in_bytes",
                        "memory.memsw.limit_in_bytes", "cpu.cfs_period_us", "cpu.cfs_quota_us"})
    write_file_atomic(dir.path() / f, "");
  Limits limits;
  limits.memory_bytes = 64 << 20;
  limits.pids = 32;
  limits.cpus = 1.5;
  for (const char* c : {"memory", "pids", "cpu"}) write_limit(dir.path(), CgroupVersion::V2, c, limits);
  CHECK(read_file(dir.path() / "memory.max") == "67108864");
  CHECK(read_file(dir.path() / "memory.swap.max") == "0");
  CHECK(read_file(dir.path() / "pids.max") == "32");
  CHECK(read_file(dir.path() / "cpu.max") == "150000 100000");
  for (const char* c : {"memory", "cpu"}) write_limit(dir.path(), CgroupVersion::V1, c, limits);
  CHECK(read_file(dir.path() / "memory.limit_in_bytes") == "67108864");
  CHECK(read_file(dir.path() / "memory.memsw.limit_in_bytes") == "67108864");
  CHECK(read_file(dir.path() / "cpu.cfs_quota_us") == "150000");
  CHECK(read_file(dir.path() / "cpu.cfs_period_us") == "100000");
  // A file the kernel does not have is an error naming it.
  fs::remove(dir.path() / "pids.max");
  CHECK_THROWS_WITH(write_limit(dir.path(), CgroupVersion::V1, "pids", limits), Catch::Contains("pids.max"));
}

TEST_CASE("OOM kills are read from memory.events and memory.oom_control") {
  CHECK(parse_oom_kills("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n") == 1);
  CHECK(parse_oom_kills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3);
  CHECK(parse_oom_kills("oom_kill_disable 0\nunder_oom 0\n") == 0);
}
