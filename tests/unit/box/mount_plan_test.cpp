#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <algorithm>

#include "box/mount_plan.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;

namespace {

const MountOp* find_op(const std::vector<MountOp>& ops, const std::string& target) {
  auto it = std::find_if(ops.begin(), ops.end(), [&](const MountOp& m) { return m.target == target; });
  return it == ops.end() ? nullptr : &*it;
}

size_t index_of(const std::vector<MountOp>& ops, const std::string& target) {
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i].target == target) return i;
  return ops.size();
}

BoxDirs dirs() {
  BoxDirs d;
  d.scratch = "/state/scratch";
  return d;
}

}  // namespace

TEST_CASE("the kernel file systems come first, with /proc, /dev and /sys refusing symlinks") {
  BoxSpec spec;
  auto ops = plan_mounts(spec, {}, dirs());
  REQUIRE(ops.front().kind == MountKind::Proc);
  for (const char* t : {"/proc", "/dev", "/sys"}) {
    INFO(t);
    REQUIRE(find_op(ops, t));
    CHECK(find_op(ops, t)->no_symlinks);
  }
  CHECK((find_op(ops, "/sys")->flags & MS_RDONLY) != 0);
  CHECK(find_op(ops, "/tmp")->kind == MountKind::Tmpfs);
  CHECK(find_op(ops, "/dev/pts")->data.find("newinstance") != std::string::npos);
  CHECK(find_op(ops, "/dev/ptmx")->link == "pts/ptmx");
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"})
    CHECK(find_op(ops, dev)->kind == MountKind::Device);
  CHECK(find_op(ops, "/dev/shm")->kind == MountKind::Tmpfs);
}

TEST_CASE("runc's masked and read-only paths are all planned, and skipped where absent") {
  auto ops = plan_mounts(BoxSpec{}, {}, dirs());
  for (const char* t : {"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/acpi", "/sys/firmware", "/proc/scsi"}) {
    INFO(t);
    REQUIRE(find_op(ops, t));
    CHECK(find_op(ops, t)->kind == MountKind::Mask);
    CHECK(find_op(ops, t)->optional);
  }
  for (const char* t : {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"}) {
    INFO(t);
    CHECK(find_op(ops, t)->kind == MountKind::ReadOnly);
  }
  // Masks come after the file system they mask.
  CHECK(index_of(ops, "/proc") < index_of(ops, "/proc/kcore"));
  CHECK(index_of(ops, "/sys") < index_of(ops, "/sys/firmware"));
}

TEST_CASE("bind mounts go last, parents before children, with their modes") {
  TempDir src;
  make_dirs(src.path() / "a");
  write_file_atomic(src.path() / "f.txt", "x");
  BoxSpec spec;
  spec.mounts = {{src.path() / "a", "/data/raw", true}, {src.path(), "/data", false}, {src.path() / "f.txt", "/cfg", true}};
  auto ops = plan_mounts(spec, {}, dirs());
  size_t data = index_of(ops, "/data"), raw = index_of(ops, "/data/raw");
  REQUIRE(raw < ops.size());
  CHECK(data < raw);
  CHECK(index_of(ops, "/tmp") < data);
  CHECK_FALSE(ops[data].read_only);
  CHECK(ops[raw].read_only);
  CHECK(find_op(ops, "/cfg")->target_is_file);
  CHECK_FALSE(ops[data].target_is_file);
}

TEST_CASE("generated files: a private /etc/hosts and hostname; resolv.conf only with the host's network") {
  BoxSpec spec;
  spec.hostname = "box1";
  auto files = generated_files(spec, "nameserver 10.0.0.1\n", "1.2.3.4 host\n");
  REQUIRE(files.size() == 2);
  CHECK(files[0].target == "/etc/hosts");
  CHECK(files[0].content.find("127.0.0.1\tlocalhost") != std::string::npos);
  CHECK(files[0].content.find("box1") != std::string::npos);
  CHECK(files[0].content.find("1.2.3.4") == std::string::npos);
  CHECK(files[1].content == "box1\n");

  spec.network = Network::Host;
  files = generated_files(spec, "nameserver 10.0.0.1\n", "1.2.3.4 host");
  REQUIRE(files.size() == 3);
  CHECK(files[0].content.find("1.2.3.4 host\n") == 0);
  CHECK(files[2].target == "/etc/resolv.conf");
  CHECK(files[2].content == "nameserver 10.0.0.1\n");

  // Files that cannot go into the upper layer are bind-mounted from the scratch dir.
  auto ops = plan_mounts(spec, files, dirs());
  REQUIRE(find_op(ops, "/etc/resolv.conf"));
  CHECK(find_op(ops, "/etc/resolv.conf")->source == "/state/scratch/etc-resolv.conf");
  CHECK(find_op(ops, "/etc/resolv.conf")->target_is_file);
}

TEST_CASE("a data image's layers are mounted read-only: one bound, several as an overlay", "[mount_plan]") {
  BoxSpec spec;
  spec.layer_mounts.push_back(LayerMount{{"/store/layers/a"}, "/data"});
  spec.layer_mounts.push_back(LayerMount{{"/store/layers/a", "/store/layers/b"}, "/more"});
  auto ops = plan_mounts(spec, {}, dirs());
  const MountOp* one = find_op(ops, "/data");
  REQUIRE(one);
  CHECK(one->kind == MountKind::Bind);
  CHECK(one->read_only);
  CHECK(one->source == "/store/layers/a");
  const MountOp* two = find_op(ops, "/more");
  REQUIRE(two);
  CHECK(two->kind == MountKind::Layers);
  CHECK(two->data == "lowerdir=/store/layers/b:/store/layers/a");  // the top layer first
  CHECK((two->flags & MS_RDONLY) != 0);
}
