// Hostile layers, each built here: refused (or contained), and canaries outside the
// layer's root are never touched.
#include <grp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "oci/layer_pack.hpp"
#include "oci/layer_unpack.hpp"
#include "oci_test_util.hpp"
#include "unit/skip.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;
using namespace waybill::oci::test;

namespace {

struct Hostile {
  TempStore ts;
  std::vector<fs::path> canaries;

  Hostile() {
    // Wherever `..` or a symlink could lead from tmp/layer-XXXXXX or layers/sha256/X.
    for (const fs::path& p : {ts.store.tmp_dir() / "canary", ts.store.home() / "canary", ts.dir.path() / "canary",
                              ts.store.layers_dir() / "canary"}) {
      write_file_atomic(p, "original");
      canaries.push_back(p);
    }
  }

  void check_canaries() {
    for (const auto& c : canaries) {
      INFO(c);
      CHECK(read_file(c) == "original");
    }
    int tmp_entries = 0;
    for (const auto& e : fs::directory_iterator(ts.store.tmp_dir()))
      if (e.path().filename() != "canary") ++tmp_entries;
    CHECK(tmp_entries == 0);  // the half-extracted layer is gone
  }

  // Unpacks the tar as a layer; returns the error message, or "" when it unpacked.
  std::string unpack(const std::string& tar, UnpackedLayer* out = nullptr) {
    Descriptor d = add_layer(ts.store, tar);
    try {
      UnpackedLayer u = unpack_layer(ts.store, d, Digest::sha256_of(tar));
      if (out) *out = u;
      return "";
    } catch (const Error& e) {
      CHECK_FALSE(ts.store.has_layer(Digest::sha256_of(tar)));
      return e.message();
    }
  }
};

std::string unique(const char* stem) { return std::string("/tmp/") + stem + "-" + std::to_string(::getpid()); }

// A ustar header written by hand: a size field in base-256 can claim anything.
std::string raw_header(const std::string& name, char type, uint64_t size) {
  char h[512] = {0};
  std::strncpy(h, name.c_str(), 99);
  std::snprintf(h + 100, 8, "%07o", 0644);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  h[124] = static_cast<char>(0x80);
  for (int i = 0; i < 8; ++i) h[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::snprintf(h + 136, 12, "%011o", 0);
  h[156] = type;
  std::memcpy(h + 257, "ustar\0" "00", 8);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  return std::string(h, 512);
}

}  // namespace

TEST_CASE("entries with .. are refused") {
  Hostile h;
  CHECK_THAT(h.unpack(make_tar({{"../canary", 'f', "evil"}})), Catch::Contains("entry `../canary`") && Catch::Contains(".."));
  CHECK_THAT(h.unpack(make_tar({{"a/../../canary", 'f', "evil"}})), Catch::Contains("leads outside") || Catch::Contains(".."));
  h.check_canaries();
}

TEST_CASE("absolute paths are contained: they land inside the layer") {
  Hostile h;
  std::string target = unique("waybill-hostile-absolute");
  UnpackedLayer u;
  CHECK(h.unpack(make_tar({{target, 'f', "inside"}}), &u).empty());
  CHECK_FALSE(fs::exists(target));
  CHECK(read_file(u.dir / target.substr(1)) == "inside");
  h.check_canaries();
}

TEST_CASE("a symlink to / followed by a file written through it is refused") {
  Hostile h;
  std::string target = unique("waybill-hostile-through-link");
  CHECK_THAT(h.unpack(make_tar({{"escape", 'l', "", "/"}, {"escape" + target, 'f', "evil"}})),
             Catch::Contains("symlink"));
  CHECK_FALSE(fs::exists(target));
  CHECK_THAT(h.unpack(make_tar({{"up", 'l', "", "../.."}, {"up/canary", 'f', "evil"}})), Catch::Contains("symlink"));
  // A directory replaced by a symlink in the same layer is no way round it.
  CHECK_THAT(h.unpack(make_tar({{"d", 'd'}, {"d", 'l', "", "/tmp"}, {"d/evil", 'f', "evil"}})), Catch::Contains("symlink"));
  h.check_canaries();
}

TEST_CASE("hard links must point inside the layer, at something the layer holds") {
  Hostile h;
  struct stat before {};
  REQUIRE(::stat("/etc/passwd", &before) == 0);
  CHECK_THAT(h.unpack(make_tar({{"h", 'h', "", "../../canary"}})), Catch::Contains(".."));
  CHECK_THAT(h.unpack(make_tar({{"h", 'h', "", "/etc/passwd"}})), Catch::Contains("not in the layer"));
  CHECK_THAT(h.unpack(make_tar({{"etc", 'l', "", "/etc"}, {"h", 'h', "", "etc/passwd"}})), Catch::Contains("symlink"));
  struct stat after {};
  REQUIRE(::stat("/etc/passwd", &after) == 0);
  CHECK(before.st_nlink == after.st_nlink);
  UnpackedLayer u;  // an honest hard link works
  CHECK(h.unpack(make_tar({{"a", 'f', "x"}, {"b", 'h', "", "a"}}), &u).empty());
  CHECK(fs::equivalent(u.dir / "a", u.dir / "b"));
  h.check_canaries();
}

TEST_CASE("whiteouts aimed outside the layer are refused") {
  Hostile h;
  CHECK_THAT(h.unpack(make_tar({{"../.wh.canary", 'f'}})), Catch::Contains(".."));
  CHECK_THAT(h.unpack(make_tar({{"x/../../.wh.canary", 'f'}})), Catch::Contains(".."));
  CHECK_THAT(h.unpack(make_tar({{"up", 'l', "", ".."}, {"up/.wh.canary", 'f'}})), Catch::Contains("symlink"));
  h.check_canaries();
}

TEST_CASE("layer content cannot set overlayfs's own attributes") {
  Hostile h;
  std::string tar;
  {
    std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    archive_write_open2(a.get(), &tar, nullptr, tar_write_cb, nullptr, nullptr);
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), "d");
    archive_entry_set_filetype(e.get(), AE_IFDIR);
    archive_entry_set_perm(e.get(), 0755);
    archive_entry_xattr_add_entry(e.get(), "trusted.overlay.redirect", "/etc", 4);
    archive_entry_xattr_add_entry(e.get(), "user.overlay.opaque", "y", 1);
    archive_write_header(a.get(), e.get());
    archive_write_close(a.get());
  }
  UnpackedLayer u;
  CHECK(h.unpack(tar, &u).empty());
  char v[8];
  CHECK(::lgetxattr((u.dir / "d").c_str(), "trusted.overlay.redirect", v, sizeof v) < 0);
  CHECK(::lgetxattr((u.dir / "d").c_str(), "user.overlay.opaque", v, sizeof v) < 0);
}

TEST_CASE("device nodes are created only by root; others skip them") {
  std::string tar = make_tar({{"null", 'c', "", "", 0666, makedev(1, 3)}, {"ok", 'f', "fine"}});
  if (::geteuid() != 0) {
    Hostile h;
    UnpackedLayer u;
    CHECK(h.unpack(tar, &u).empty());
    CHECK_FALSE(fs::exists(u.dir / "null"));
    CHECK(fs::exists(u.dir / "ok"));
    return;
  }
  // As root: in a child that has given up root, the node is skipped; as root, made.
  Hostile h;
  Descriptor d = add_layer(h.ts.store, tar);
  Digest diff = Digest::sha256_of(tar);
  // Root in a user namespace may have no uid 65534 to give the store to.
  if (::chown(h.ts.dir.path().c_str(), 65534, 65534) != 0) {
    int err = errno;
    waybill::test::skip_test((std::string("chown to 65534:65534 is not possible here: ") + std::strerror(err)).c_str());
  }
  for (auto it = fs::recursive_directory_iterator(h.ts.dir.path()); it != fs::recursive_directory_iterator(); ++it)
    REQUIRE(::lchown(it->path().c_str(), 65534, 65534) == 0);
  REQUIRE(::chown(h.ts.dir.path().c_str(), 65534, 65534) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    int code = 1;
    if (::setgroups(0, nullptr) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0) {
      try {
        UnpackedLayer u = unpack_layer(h.ts.store, d, diff);
        bool skipped = u.stats.skipped.size() == 1 && !fs::exists(u.dir / "null") && fs::exists(u.dir / "ok");
        code = skipped ? 0 : 2;
      } catch (...) {
        code = 3;
      }
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a huge declared size is refused before anything is written") {
  Hostile h;
  std::string tar = raw_header("huge", '0', uint64_t(1) << 40) + std::string(1024, '\0');
  CHECK_THAT(h.unpack(tar), Catch::Contains("declares 1099511627776 bytes"));
  h.check_canaries();
}

TEST_CASE("a million tiny entries are stopped by the entry limit") {
  Hostile h;
  ::setenv("WAYBILL_MAX_LAYER_ENTRIES", "10000", 1);
  // Streamed straight into a gzip blob: a million headers are half a gigabyte of tar.
  struct Sink : ByteSink {
    Sha256 tar_hash;
    std::unique_ptr<Compressor> gz;
    BlobWriter* blob;
    struct Out : ByteSink {
      BlobWriter* blob;
      void write(const void* d, size_t n) override { blob->write(d, n); }
    } out;
    void write(const void* d, size_t n) override {
      tar_hash.update(d, n);
      gz->write(d, n);
    }
  } sink;
  BlobWriter blob(h.ts.store);
  sink.out.blob = &blob;
  sink.blob = &blob;
  sink.gz = Compressor::make(Compression::Gzip, sink.out);
  {
    std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_ustar(a.get());
    archive_write_open2(a.get(), &sink, nullptr,
                        [](struct archive*, void* ctx, const void* buf, size_t n) -> la_ssize_t {
                          static_cast<Sink*>(ctx)->write(buf, n);
                          return static_cast<la_ssize_t>(n);
                        },
                        nullptr, nullptr);
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    char name[32];
    for (int i = 0; i < 1'000'000; ++i) {
      archive_entry_clear(e.get());
      std::snprintf(name, sizeof name, "d%03d/f%06d", i / 1000, i);
      archive_entry_set_pathname(e.get(), name);
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_perm(e.get(), 0644);
      archive_entry_set_size(e.get(), 0);
      archive_write_header(a.get(), e.get());
    }
    archive_write_close(a.get());
  }
  sink.gz->finish();
  Descriptor d{media::kOciLayerGzip, Digest(), blob.size(), {}, {}, {}};
  d.digest = blob.commit();
  Digest diff = sink.tar_hash.finish();
  CHECK_THROWS_WITH(unpack_layer(h.ts.store, d, diff), Catch::Contains("more than 10000 entries"));
  ::unsetenv("WAYBILL_MAX_LAYER_ENTRIES");
  CHECK_FALSE(h.ts.store.has_layer(diff));
  h.check_canaries();
}
