#pragma once
// Helpers for oci/ tests: a store in a temporary directory, tar streams built entry by
// entry (including ones no honest tool would write), and tree comparison.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "oci/compression.hpp"
#include "oci/store.hpp"
#include "util/fs.hpp"

namespace waybill::oci::test {

struct TempStore {
  TempDir dir;
  Store store = Store::open(dir.path() / "home");
};

struct TarEntry {
  TarEntry(std::string path, char type = 'f', std::string data = {}, std::string link = {}, int mode = 0644,
           dev_t rdev = 0)
      : path(std::move(path)), type(type), data(std::move(data)), link(std::move(link)), mode(mode), rdev(rdev) {}
  std::string path;
  char type;  // f file, d dir, l symlink, h hardlink, c char device, p fifo
  std::string data;
  std::string link;
  int mode;
  dev_t rdev;
};

class StringSink : public ByteSink {
 public:
  void write(const void* d, size_t n) override { out.append(static_cast<const char*>(d), n); }
  std::string out;
};

inline la_ssize_t tar_write_cb(struct archive*, void* ctx, const void* buf, size_t n) {
  static_cast<std::string*>(ctx)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

// A tar stream with exactly these entries, in this order.
inline std::string make_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  archive_write_open2(a.get(), &out, nullptr, tar_write_cb, nullptr, nullptr);
  for (const auto& t : entries) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), t.path.c_str());
    archive_entry_set_perm(e.get(), static_cast<mode_t>(t.mode));
    archive_entry_set_mtime(e.get(), 1000000, 0);
    switch (t.type) {
      case 'd': archive_entry_set_filetype(e.get(), AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), t.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_hardlink(e.get(), t.link.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(e.get(), AE_IFCHR);
        archive_entry_set_rdev(e.get(), t.rdev);
        break;
      case 'p': archive_entry_set_filetype(e.get(), AE_IFIFO); break;
      default:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(t.data.size()));
    }
    REQUIRE(archive_write_header(a.get(), e.get()) == ARCHIVE_OK);
    if (t.type == 'f' && !t.data.empty()) archive_write_data(a.get(), t.data.data(), t.data.size());
  }
  archive_write_close(a.get());
  return out;
}

inline std::string compress(const std::string& tar, Compression c) {
  StringSink sink;
  auto comp = Compressor::make(c, sink, 2);
  comp->write(tar.data(), tar.size());
  comp->finish();
  return sink.out;
}

// Puts a tar stream into the store as a layer blob; returns its descriptor.
inline Descriptor add_layer(const Store& store, const std::string& tar, Compression c = Compression::Gzip) {
  std::string blob = compress(tar, c);
  Descriptor d;
  d.media_type = layer_media_type(c);
  d.digest = store.put_blob(blob);
  d.size = static_cast<int64_t>(blob.size());
  return d;
}

}  // namespace waybill::oci::test
