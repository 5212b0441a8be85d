#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "box/rootfs.hpp"
#include "unit/skip.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;
namespace fs = std::filesystem;

TEST_CASE("overlay options list the uppermost layer first, relative to their shared parent") {
  BoxDirs dirs;
  dirs.scratch = "/s";
  RootFs root;
  root.lower = {"/store/layers/sha256/aaa", "/store/layers/sha256/bbb", "/store/layers/sha256/ccc"};
  auto o = overlay_options(root, dirs);
  CHECK(o.lower_parent == "/store/layers/sha256");
  CHECK(o.data == "lowerdir=ccc:bbb:aaa,upperdir=/s/upper,workdir=/s/work");

  root.lower = {"/a/x", "/b/y,z"};
  root.upper = "/keep/up";
  root.work = "/keep/work";
  o = overlay_options(root, dirs);
  CHECK(o.lower_parent.empty());
  CHECK(o.data == "lowerdir=/b/y\\,z:/a/x,upperdir=/keep/up,workdir=/keep/work");

  root = RootFs{};
  CHECK(overlay_options(root, dirs).data.find("lowerdir=empty,") == 0);
}

TEST_CASE("more layers than one overlay mount takes is a clear error") {
  BoxDirs dirs;
  dirs.scratch = "/s";
  RootFs root;
  for (int i = 0; i < 80; ++i) root.lower.push_back("/l/" + std::string(64, static_cast<char>('a' + i % 26)) + std::to_string(i));
  CHECK_THROWS_WITH(overlay_options(root, dirs), Catch::Contains("80 layers"));
}

TEST_CASE("the copy fallback applies whiteouts and opaque directories as overlay shows them") {
  TempDir t;
  fs::path l1 = t.path() / "l1", l2 = t.path() / "l2", out = t.path() / "out";
  make_dirs(l1 / "etc");
  make_dirs(l1 / "opt" / "old");
  make_dirs(l1 / "keep");
  write_file_atomic(l1 / "etc" / "gone", "1");
  write_file_atomic(l1 / "etc" / "stays", "1");
  write_file_atomic(l1 / "opt" / "old" / "f", "1");
  write_file_atomic(l1 / "keep" / "f", "old");
  fs::create_symlink("etc/stays", l1 / "link");
  make_dirs(l2 / "opt");
  make_dirs(l2 / "etc");
  make_dirs(l2 / "keep");
  write_file_atomic(l2 / "keep" / "f", "new");
  write_file_atomic(l2 / "opt" / "new", "2");
  // Whiteouts are 0/0 character devices; making one needs CAP_MKNOD on older kernels.
  if (::mknod((l2 / "etc" / "gone").c_str(), S_IFCHR, makedev(0, 0)) != 0) {
    int err = errno;
    waybill::test::skip_test((std::string("cannot create a whiteout device here: ") + std::strerror(err)).c_str());
  }
  bool opaque = ::setxattr((l2 / "opt").c_str(), "user.overlay.opaque", "y", 1, 0) == 0;
  int opaque_err = errno;
  if (!opaque) WARN("skip: the opaque directory check (no user.* xattrs here: " << std::strerror(opaque_err) << ")");
  make_dirs(out);
  copy_layers({l1, l2}, out);
  CHECK_FALSE(fs::exists(out / "etc" / "gone"));
  CHECK(read_file(out / "etc" / "stays") == "1");
  CHECK(read_file(out / "keep" / "f") == "new");
  CHECK(fs::is_symlink(out / "link"));
  CHECK(fs::read_symlink(out / "link") == "etc/stays");
  CHECK(read_file(out / "opt" / "new") == "2");
  if (opaque) CHECK_FALSE(fs::exists(out / "opt" / "old"));
  // The layers themselves are untouched.
  CHECK(fs::exists(l1 / "etc" / "gone"));
}
