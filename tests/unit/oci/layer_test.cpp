// Layers: packing a tree and unpacking it again, overlay whiteouts, determinism.
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "oci/layer_pack.hpp"
#include "oci/layer_unpack.hpp"
#include "oci/tar_extract.hpp"
#include "oci_test_util.hpp"
#include "unit/skip.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;
using namespace waybill::oci::test;

namespace {

void write(const fs::path& p, const std::string& data, mode_t mode = 0644) {
  make_dirs(p.parent_path());
  write_file_atomic(p, data, mode);
}

// What the test directory's file system and our privileges allow, tried on a scratch file
// in DIR: where it fails (tmpfs before Linux 6.6 has no user.* xattrs; root in a user
// namespace may not make devices, set trusted.* xattrs or chown to unmapped ids), the
// test skips, saying why.
void skip_unless(bool ok, int err, const std::string& what) {
  if (!ok) waybill::test::skip_test((what + " is not possible here: " + std::strerror(err)).c_str());
}

void require_xattr(const fs::path& dir, const char* name) {
  fs::path probe = dir / ".probe-xattr";
  write(probe, "");
  bool ok = ::setxattr(probe.c_str(), name, "1", 1, 0) == 0;
  int err = errno;
  fs::remove(probe);
  skip_unless(ok, err, std::string("setting the extended attribute ") + name);
}

void require_mknod(const fs::path& dir, dev_t dev) {
  fs::path probe = dir / ".probe-mknod";
  make_dirs(dir);
  bool ok = ::mknod(probe.c_str(), S_IFCHR | 0600, dev) == 0;
  int err = errno;
  fs::remove(probe);
  skip_unless(ok, err, "making a character device " + std::to_string(major(dev)) + "/" + std::to_string(minor(dev)));
}

void require_chown(const fs::path& dir, uid_t uid, gid_t gid) {
  fs::path probe = dir / ".probe-chown";
  write(probe, "");
  bool ok = ::chown(probe.c_str(), uid, gid) == 0;
  int err = errno;
  fs::remove(probe);
  skip_unless(ok, err, "chown to " + std::to_string(uid) + ":" + std::to_string(gid));
}

void set_mtime(const fs::path& p, time_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// A tree with one of everything a layer can hold.
void make_tree(const fs::path& root, time_t mtime) {
  make_dirs(root);
  require_xattr(root, "user.waybill.probe");
  if (::geteuid() == 0) {
    require_mknod(root, makedev(1, 3));
    require_chown(root, 1234, 5678);
  }
  write(root / "etc" / "hostname", "box\n");
  write(root / "usr" / "bin" / "tool", "#!/bin/sh\necho tool\n", 0755);
  write(root / "usr" / "bin" / "setuid", "x", 04755);
  write(root / "empty", "");
  write(root / "dir with spaces" / "ünïcødé ❶.txt", "unicode\n");
  std::string deep = "a";
  for (int i = 0; i < 12; ++i) deep += "/longer-directory-name";
  write(root / deep / "file", "deep\n");  // a path longer than ustar's 100 bytes
  make_dirs(root / "private");
  ::chmod((root / "private").c_str(), 0700);
  fs::create_symlink("../etc/hostname", root / "usr" / "hostname-link");
  fs::create_symlink("/etc/passwd", root / "absolute-link");
  fs::create_hard_link(root / "usr" / "bin" / "tool", root / "usr" / "bin" / "tool-hardlink");
  REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);
  REQUIRE(::setxattr((root / "etc" / "hostname").c_str(), "user.waybill.test", "value", 5, 0) == 0);
  if (::geteuid() == 0) {
    REQUIRE(::mknod((root / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
    REQUIRE(::chown((root / "etc" / "hostname").c_str(), 1234, 5678) == 0);
  }
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
    set_mtime(it->path(), mtime);
}

struct Node {
  mode_t mode;
  uid_t uid;
  gid_t gid;
  off_t size;
  time_t mtime;
  std::string content;  // file data or symlink target
  ino_t ino;
  dev_t rdev;
  std::string xattr;
};

std::map<std::string, Node> describe(const fs::path& root) {
  std::map<std::string, Node> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    struct stat st {};
    REQUIRE(::lstat(it->path().c_str(), &st) == 0);
    Node n{st.st_mode, st.st_uid, st.st_gid, S_ISDIR(st.st_mode) ? 0 : st.st_size, st.st_mtim.tv_sec, {}, st.st_ino,
           st.st_rdev, {}};
    if (S_ISREG(st.st_mode)) n.content = read_file(it->path());
    if (S_ISLNK(st.st_mode)) n.content = fs::read_symlink(it->path()).string();
    char v[64] = {0};
    if (::lgetxattr(it->path().c_str(), "user.waybill.test", v, sizeof v) > 0) n.xattr = v;
    out[it->path().lexically_relative(root).string()] = n;
  }
  return out;
}

void check_same_tree(const fs::path& a, const fs::path& b) {
  auto x = describe(a), y = describe(b);
  REQUIRE(x.size() == y.size());
  for (const auto& [path, n] : x) {
    INFO(path);
    REQUIRE(y.count(path));
    const Node& m = y.at(path);
    CHECK(n.mode == m.mode);
    CHECK(n.size == m.size);
    CHECK(n.content == m.content);
    CHECK(n.mtime == m.mtime);
    CHECK(n.xattr == m.xattr);
    CHECK(n.rdev == m.rdev);
    if (::geteuid() == 0) {
      CHECK(n.uid == m.uid);
      CHECK(n.gid == m.gid);
    }
  }
  // The hard link survived as one inode.
  CHECK(y.at("usr/bin/tool").ino == y.at("usr/bin/tool-hardlink").ino);
}

}  // namespace

TEST_CASE("a tree packs and unpacks to the same tree, with every compression") {
  for (Compression c : {Compression::Gzip, Compression::Zstd, Compression::None}) {
    INFO(compression_name(c));
    TempStore ts;
    fs::path src = ts.dir.path() / "src";
    make_tree(src, 1700000000);
    PackOptions o;
    o.compression = c;
    PackedLayer layer = pack_layer(ts.store, src, o);
    CHECK(layer.descriptor.media_type == layer_media_type(c));
    CHECK(ts.store.has_blob(layer.descriptor.digest));
    CHECK(layer.entries > 15);
    UnpackedLayer u = unpack_layer(ts.store, layer.descriptor, layer.diff_id);
    CHECK_FALSE(u.reused);
    check_same_tree(src, u.dir);
    // A second unpack finds the layer in place.
    CHECK(unpack_layer(ts.store, layer.descriptor, layer.diff_id).reused);
    int leftovers = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(ts.store.tmp_dir())) ++leftovers;
    CHECK(leftovers == 0);
  }
}

TEST_CASE("packing is deterministic: mtimes clamped, order fixed, cores irrelevant") {
  TempStore ts;
  fs::path a = ts.dir.path() / "a", b = ts.dir.path() / "b";
  make_tree(a, 1700000000);
  make_tree(b, 1750000000);  // the same tree, touched later
  for (Compression c : {Compression::Gzip, Compression::Zstd}) {
    INFO(compression_name(c));
    PackOptions o;
    o.compression = c;
    o.source_date_epoch = 1600000000;  // before both: every mtime is clamped to it
    o.threads = 1;
    PackedLayer pa = pack_layer(ts.store, a, o);
    o.threads = 4;
    PackedLayer pb = pack_layer(ts.store, b, o);
    CHECK(pa.descriptor.digest == pb.descriptor.digest);
    CHECK(pa.diff_id == pb.diff_id);
    // Without the clamp the mtimes show.
    o.source_date_epoch.reset();
    CHECK_FALSE(pack_layer(ts.store, a, o).diff_id == pack_layer(ts.store, b, o).diff_id);
  }
}

TEST_CASE("changing one byte changes the digest") {
  TempStore ts;
  fs::path a = ts.dir.path() / "a";
  make_tree(a, 1700000000);
  PackOptions o;
  o.source_date_epoch = 1600000000;
  PackedLayer before = pack_layer(ts.store, a, o);
  write(a / "etc" / "hostname", "bot\n");
  set_mtime(a / "etc" / "hostname", 1700000000);
  CHECK_FALSE(pack_layer(ts.store, a, o).descriptor.digest == before.descriptor.digest);
}

// Device nodes keep the layer's mode (mknod applies the umask), and in a user namespace,
// where they cannot be made, they become placeholders that pack back to the same layer:
// a rootless waybill's unpacked base repacks to root's digest.
TEST_CASE("device nodes: the layer's mode as root; placeholders in a user namespace, packed back the same") {
  if (::geteuid() != 0) waybill::test::skip_test("making device nodes needs root");
  TempStore ts;
  fs::path src = ts.dir.path() / "src";
  require_mknod(src, makedev(1, 3));
  require_xattr(src, kDevicePlaceholderXattr);
  make_dirs(src / "dev");
  REQUIRE(::mknod((src / "dev" / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  REQUIRE(::chmod((src / "dev" / "null").c_str(), 0666) == 0);
  write(src / "etc" / "hostname", "box\n");
  for (auto it = fs::recursive_directory_iterator(src); it != fs::recursive_directory_iterator(); ++it)
    set_mtime(it->path(), 1700000000);
  PackedLayer layer = pack_layer(ts.store, src, {});

  mode_t old_umask = ::umask(022);
  TempStore as_root;
  pack_layer(as_root.store, src, {});
  UnpackedLayer u = unpack_layer(as_root.store, layer.descriptor, layer.diff_id);
  ::umask(old_umask);
  struct stat st {};
  REQUIRE(::lstat((u.dir / "dev" / "null").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0666);

  // A child that is root of a user namespace of its own (the single mapping, which needs
  // no helper) unpacks the layer and packs the tree again.
  auto [r, w] = make_pipe();
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string reply = "unshare failed";
    if (::unshare(CLONE_NEWUSER) == 0) {
      try {
        for (auto [file, text] : {std::pair{"setgroups", "deny"}, {"uid_map", "0 0 1\n"}, {"gid_map", "0 0 1\n"}}) {
          UniqueFd fd(::open((std::string("/proc/self/") + file).c_str(), O_WRONLY | O_CLOEXEC));
          if (!fd || ::write(fd.get(), text, std::strlen(text)) < 0) throw std::runtime_error(std::string("map: ") + file);
        }
        TempStore inside;
        pack_layer(inside.store, src, {});
        UnpackedLayer p = unpack_layer(inside.store, layer.descriptor, layer.diff_id);
        struct stat ps {};
        char v[32] = {0};
        bool placeholder = ::lstat((p.dir / "dev" / "null").c_str(), &ps) == 0 && S_ISREG(ps.st_mode) &&
                           (ps.st_mode & 07777) == 0666 &&
                           ::lgetxattr((p.dir / "dev" / "null").c_str(), kDevicePlaceholderXattr, v, sizeof v) > 0 &&
                           std::string(v) == "c:1:3" && p.stats.device_placeholders == 1;
        reply = placeholder ? pack_layer(inside.store, p.dir, {}).diff_id.str() : "no placeholder: " + std::string(v);
      } catch (const std::exception& e) {
        reply = e.what();
      }
    }
    (void)!::write(w.get(), reply.data(), reply.size());
    ::_exit(0);
  }
  w.reset();
  std::string reply;
  char buf[512];
  for (ssize_t n; (n = ::read(r.get(), buf, sizeof buf)) > 0;) reply.append(buf, static_cast<size_t>(n));
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (reply == "unshare failed") waybill::test::skip_test("user namespaces cannot be made here");
  CHECK(reply == layer.diff_id.str());
}

TEST_CASE("overlay upper directories: whiteouts and opaque directories become OCI markers and back") {
  TempStore ts;
  fs::path upper = ts.dir.path() / "upper";
  const char* attr = ::geteuid() == 0 ? "trusted.overlay.opaque" : "user.overlay.opaque";
  require_mknod(upper, makedev(0, 0));  // whiteouts: CAP_MKNOD, or Linux 5.8 and later
  require_xattr(upper, attr);
  write(upper / "kept", "k");
  REQUIRE(::mknod((upper / "gone").c_str(), S_IFCHR, makedev(0, 0)) == 0);
  make_dirs(upper / "opaque");
  write(upper / "opaque" / "inside", "i");
  REQUIRE(::setxattr((upper / "opaque").c_str(), attr, "y", 1, 0) == 0);
  PackOptions o;
  o.overlay_upper = true;
  o.compression = Compression::None;
  PackedLayer layer = pack_layer(ts.store, upper, o);
  std::string tar = read_file(ts.store.blob_path(layer.descriptor.digest));
  CHECK(tar.find(".wh.gone") != std::string::npos);
  CHECK(tar.find("opaque/.wh..wh..opq") != std::string::npos);
  CHECK(tar.find("trusted.overlay") == std::string::npos);

  UnpackedLayer u = unpack_layer(ts.store, layer.descriptor, layer.diff_id);
  struct stat st {};
  REQUIRE(::lstat((u.dir / "gone").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  char v[2] = {0};
  CHECK(::lgetxattr((u.dir / "opaque").c_str(), attr, v, sizeof v) == 1);
  CHECK(v[0] == 'y');
  CHECK_FALSE(fs::exists(u.dir / "opaque" / ".wh..wh..opq"));
  CHECK(read_file(u.dir / "opaque" / "inside") == "i");
}

TEST_CASE("unpacking checks the blob's digest and the diff_id") {
  TempStore ts;
  std::string tar = make_tar({{"a", 'f', "hello"}});
  Descriptor d = add_layer(ts.store, tar);
  Digest diff = Digest::sha256_of(tar);
  CHECK_THROWS_WITH(unpack_layer(ts.store, d, Digest::sha256_of("other")), Catch::Contains("the image says"));
  CHECK_FALSE(ts.store.has_layer(Digest::sha256_of("other")));
  // One flipped byte in the stored blob.
  std::string blob = read_file(ts.store.blob_path(d.digest));
  blob[blob.size() / 2] ^= 1;
  write_file_atomic(ts.store.blob_path(d.digest), blob);
  CHECK_THROWS_AS(unpack_layer(ts.store, d, diff), Error);
  CHECK_FALSE(ts.store.has_layer(diff));
}
