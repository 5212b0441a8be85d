#include "oci/layer_pack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "oci/archive_message.hpp"
#include "oci/compression.hpp"
#include "oci/tar_extract.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

std::optional<int64_t> source_date_epoch_from_env() {
  const char* v = std::getenv("SOURCE_DATE_EPOCH");
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (!end || *end != '\0' || n < 0) return std::nullopt;
  return n;
}

namespace {

// The byte pipeline: tar bytes -> diff_id hash -> compressor -> digest hash + blob file.
class LayerSink : public ByteSink {
 public:
  LayerSink(const Store& store, Compression c, unsigned threads)
      : blob_(store), tee_(*this), compressor_(Compressor::make(c, tee_, threads)) {}

  void write(const void* data, size_t size) override {  // uncompressed side
    diff_.update(data, size);
    compressor_->write(data, size);
  }

  PackedLayer finish(Compression c) {
    compressor_->finish();
    PackedLayer p;
    p.diff_id = diff_.finish();
    p.tar_bytes = diff_.bytes();
    p.descriptor.media_type = layer_media_type(c);
    p.descriptor.size = blob_.size();
    p.descriptor.digest = blob_.commit();
    return p;
  }

 private:
  struct Tee : ByteSink {  // compressed side
    explicit Tee(LayerSink& s) : s(s) {}
    void write(const void* data, size_t size) override { s.blob_.write(data, size); }
    LayerSink& s;
  };
  BlobWriter blob_;
  Sha256 diff_;
  Tee tee_;
  std::unique_ptr<Compressor> compressor_;
};

// libarchive has no message of its own for a failed write: ours (a full disk, say) is
// handed to it, for archive_message to say.
la_ssize_t write_callback(struct archive* a, void* ctx, const void* buf, size_t n) {
  try {
    static_cast<LayerSink*>(ctx)->write(buf, n);
    return static_cast<la_ssize_t>(n);
  } catch (const Error& e) {
    archive_set_error(a, EIO, "%s", e.message().c_str());
  } catch (const std::exception& e) {
    archive_set_error(a, EIO, "%s", e.what());
  }
  return -1;
}

class Walker {
 public:
  Walker(struct archive* a, const fs::path& root, const PackOptions& o, Reporter* r)
      : a_(a), root_(root), opts_(o), reporter_(r), buf_(1 << 20) {}

  uint64_t run() {
    UniqueFd fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw Error::from_errno("open", root_.string(), errno);
    walk(fd.get(), "");
    return entries_;
  }

 private:
  [[noreturn]] void fail(const std::string& rel, const std::string& why) {
    throw Error(ErrorKind::Io, "packing " + (root_ / rel).string() + ": " + why);
  }

  void check(int rc, const std::string& rel) {
    if (rc < ARCHIVE_WARN) fail(rel, archive_message(a_));
  }

  time_t clamp(time_t t) const {
    return opts_.source_date_epoch && t > *opts_.source_date_epoch ? static_cast<time_t>(*opts_.source_date_epoch) : t;
  }

  // Extended attributes in name order; overlayfs's own and SELinux labels stay behind.
  void add_xattrs(archive_entry* e, const std::string& path) {
    ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
    if (len <= 0) return;
    std::string names(static_cast<size_t>(len), '\0');
    len = ::llistxattr(path.c_str(), names.data(), names.size());
    if (len <= 0) return;
    std::vector<std::string> sorted;
    for (size_t i = 0; i < static_cast<size_t>(len);) {
      std::string n(names.c_str() + i);
      i += n.size() + 1;
      if (n.starts_with("trusted.overlay.") || n.starts_with("user.overlay.") || n == kDevicePlaceholderXattr ||
          n == "security.selinux")
        continue;
      sorted.push_back(n);
    }
    std::sort(sorted.begin(), sorted.end());
    for (const auto& n : sorted) {
      ssize_t vl = ::lgetxattr(path.c_str(), n.c_str(), nullptr, 0);
      if (vl < 0) continue;
      std::string v(static_cast<size_t>(vl), '\0');
      vl = ::lgetxattr(path.c_str(), n.c_str(), v.data(), v.size());
      if (vl >= 0) archive_entry_xattr_add_entry(e, n.c_str(), v.data(), static_cast<size_t>(vl));
    }
  }

  // A device node a rootless extraction kept as an empty file (oci/tar_extract.hpp):
  // its type and number, or nothing.
  std::optional<std::pair<unsigned, dev_t>> device_placeholder(const std::string& path, const struct stat& st) {
    if (!S_ISREG(st.st_mode) || st.st_size != 0 || opts_.portable) return std::nullopt;
    char v[64];
    ssize_t n = ::lgetxattr(path.c_str(), kDevicePlaceholderXattr, v, sizeof v - 1);
    if (n <= 2) return std::nullopt;
    v[n] = '\0';
    unsigned major = 0, minor = 0;
    char type = 0;
    if (std::sscanf(v, "%c:%u:%u", &type, &major, &minor) != 3 || (type != 'c' && type != 'b')) return std::nullopt;
    return std::make_pair(type == 'c' ? unsigned(AE_IFCHR) : unsigned(AE_IFBLK), makedev(major, minor));
  }

  bool opaque(const std::string& path) {
    char v[2];
    for (const char* attr : {"trusted.overlay.opaque", "user.overlay.opaque"})
      if (::lgetxattr(path.c_str(), attr, v, sizeof v) == 1 && v[0] == 'y') return true;
    return false;
  }

  std::unique_ptr<archive_entry, void (*)(archive_entry*)> new_entry(const std::string& tar_path, const struct stat& st) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new2(a_), archive_entry_free);
    archive_entry_set_pathname(e.get(), tar_path.c_str());
    if (opts_.portable) {
      // Who packed the data, and with which umask, is no part of the dataset.
      archive_entry_set_uid(e.get(), 0);
      archive_entry_set_gid(e.get(), 0);
      bool executable = S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode) || (st.st_mode & 0111);
      archive_entry_set_perm(e.get(), S_ISLNK(st.st_mode) ? 0777 : executable ? 0755 : 0644);
    } else {
      archive_entry_set_uid(e.get(), st.st_uid);
      archive_entry_set_gid(e.get(), st.st_gid);
      archive_entry_set_perm(e.get(), st.st_mode & 07777);
    }
    archive_entry_set_mtime(e.get(), clamp(st.st_mtim.tv_sec), 0);
    return e;
  }

  void marker(const std::string& tar_path, const struct stat& like) {
    struct stat st = like;
    st.st_mode = S_IFREG;
    st.st_uid = st.st_gid = 0;
    auto e = new_entry(tar_path, st);
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_size(e.get(), 0);
    check(archive_write_header(a_, e.get()), tar_path);
    ++entries_;
  }

  void file_data(int dirfd, const std::string& name, const std::string& rel) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) fail(rel, std::strerror(errno));
    for (;;) {
      ssize_t n = ::read(fd.get(), buf_.data(), buf_.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(rel, std::strerror(errno));
      }
      if (n == 0) break;
      if (archive_write_data(a_, buf_.data(), static_cast<size_t>(n)) < 0) fail(rel, archive_message(a_));
      bytes_ += static_cast<uint64_t>(n);
    }
    if (reporter_ && bytes_ - reported_ >= (uint64_t(16) << 20)) {
      reporter_->progress("packing", bytes_, 0);
      reported_ = bytes_;
    }
  }

  void walk(int dirfd, const std::string& prefix) {
    std::vector<std::string> names;
    {
      DIR* dir = ::fdopendir(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
      if (!dir) fail(prefix, std::strerror(errno));
      while (dirent* de = ::readdir(dir))
        if (std::strcmp(de->d_name, ".") && std::strcmp(de->d_name, "..")) names.emplace_back(de->d_name);
      ::closedir(dir);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string rel = prefix + name;
      std::string full = (root_ / rel).string();
      struct stat st {};
      if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail(rel, std::strerror(errno));
      if (opts_.overlay_upper && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        marker(prefix + ".wh." + name, st);
        continue;
      }
      if (S_ISSOCK(st.st_mode)) continue;
      if (opts_.portable && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
        fail(rel, "is a device or a fifo; data images hold files, folders and links only");
      auto e = new_entry(S_ISDIR(st.st_mode) ? rel + "/" : rel, st);
      if (!S_ISDIR(st.st_mode) && !opts_.portable) add_xattrs(e.get(), full);
      if (auto device = device_placeholder(full, st)) {
        archive_entry_set_filetype(e.get(), device->first);
        archive_entry_set_rdev(e.get(), device->second);
        check(archive_write_header(a_, e.get()), rel);
      } else if (S_ISREG(st.st_mode)) {
        if (st.st_nlink > 1) {
          auto [it, fresh] = links_.emplace(std::make_pair(st.st_dev, st.st_ino), rel);
          if (!fresh) {
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_hardlink(e.get(), it->second.c_str());
            archive_entry_set_size(e.get(), 0);
            check(archive_write_header(a_, e.get()), rel);
            ++entries_;
            continue;
          }
        }
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), st.st_size);
        check(archive_write_header(a_, e.get()), rel);
        file_data(dirfd, name, rel);
      } else if (S_ISDIR(st.st_mode)) {
        if (!opts_.portable) add_xattrs(e.get(), full);
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        check(archive_write_header(a_, e.get()), rel);
        ++entries_;
        if (opts_.overlay_upper && opaque(full)) marker(rel + "/.wh..wh..opq", st);
        UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) fail(rel, std::strerror(errno));
        walk(sub.get(), rel + "/");
        continue;
      } else if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
        if (n < 0) fail(rel, std::strerror(errno));
        target.resize(static_cast<size_t>(n));
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), target.c_str());
        check(archive_write_header(a_, e.get()), rel);
      } else {
        archive_entry_set_filetype(e.get(), S_ISCHR(st.st_mode) ? AE_IFCHR : S_ISBLK(st.st_mode) ? AE_IFBLK : AE_IFIFO);
        archive_entry_set_rdev(e.get(), st.st_rdev);
        check(archive_write_header(a_, e.get()), rel);
      }
      ++entries_;
    }
  }

  struct archive* a_;
  fs::path root_;
  const PackOptions& opts_;
  Reporter* reporter_;
  std::vector<char> buf_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  uint64_t entries_ = 0, bytes_ = 0, reported_ = 0;
};

}  // namespace

PackedLayer pack_layer(const Store& store, const fs::path& dir, const PackOptions& options, Reporter* reporter) {
  LayerSink sink(store, options.compression, options.threads);
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
  // pax only where ustar cannot say it (long names, xattrs); no padding after the end.
  archive_write_set_format_pax_restricted(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open2(a.get(), &sink, nullptr, write_callback, nullptr, nullptr) != ARCHIVE_OK)
    throw Error(ErrorKind::Internal, "tar writer: " + archive_message(a.get()));
  Walker walker(a.get(), dir, options, reporter);
  uint64_t entries = walker.run();
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw Error(ErrorKind::Io, std::string("packing ") + dir.string() + ": " + archive_message(a.get()));
  PackedLayer p = sink.finish(options.compression);
  p.entries = entries;
  if (reporter) reporter->progress("packing", p.tar_bytes, p.tar_bytes);
  return p;
}

}  // namespace waybill::oci
