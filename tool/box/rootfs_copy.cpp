// The copy fallback of rootfs.hpp: layers merged into one private directory. Entries are
// opened relative to their directory with O_NOFOLLOW, so a symlink in a layer is copied
// as a symlink and never followed.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>

#include "box/rootfs.hpp"
#include "util/error.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(std::string_view what, const fs::path& path, int err) {
  throw Error::from_errno(what, path.string(), err, ErrorKind::Io);
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

bool is_opaque(const fs::path& dir) {
  char v[2] = {};
  for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"})
    if (::lgetxattr(dir.c_str(), name, v, sizeof v) == 1 && v[0] == 'y') return true;
  return false;
}

void copy_xattrs(const fs::path& from, const fs::path& to) {
  ssize_t n = ::llistxattr(from.c_str(), nullptr, 0);
  if (n <= 0) return;
  std::string names(static_cast<size_t>(n), '\0');
  n = ::llistxattr(from.c_str(), names.data(), names.size());
  for (size_t at = 0; n > 0 && at < static_cast<size_t>(n);) {
    std::string name(names.c_str() + at);
    at += name.size() + 1;
    if (name.find(".overlay.") != std::string::npos) continue;  // overlay's own bookkeeping
    ssize_t len = ::lgetxattr(from.c_str(), name.c_str(), nullptr, 0);
    if (len < 0) continue;
    std::string value(static_cast<size_t>(len), '\0');
    len = ::lgetxattr(from.c_str(), name.c_str(), value.data(), value.size());
    if (len >= 0) ::lsetxattr(to.c_str(), name.c_str(), value.data(), static_cast<size_t>(len), 0);
  }
}

void copy_metadata(const fs::path& from, const fs::path& to, const struct stat& st) {
  if (::lchown(to.c_str(), st.st_uid, st.st_gid) != 0 && errno != EPERM) fail("chown", to, errno);
  copy_xattrs(from, to);
  if (!S_ISLNK(st.st_mode) && ::chmod(to.c_str(), st.st_mode & 07777) != 0) fail("chmod", to, errno);
  timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

void copy_contents(const fs::path& from, const fs::path& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) fail("open", from, errno);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) fail("create", to, errno);
  for (;;) {
    ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EXDEV || errno == ENOSYS || errno == EINVAL) {
        std::string data = read_fd(in.get(), from.string());
        if (::write(out.get(), data.data(), data.size()) != static_cast<ssize_t>(data.size())) fail("write", to, errno);
        break;
      }
      fail("copy", from, errno);
    }
  }
}

class LayerMerger {
 public:
  void merge(const fs::path& layer, const fs::path& dest) {
    links_.clear();
    merge_dir(layer, dest);
  }

 private:
  void merge_dir(const fs::path& src, const fs::path& dst) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(src, ec)) {
      const fs::path& from = entry.path();
      fs::path to = dst / from.filename();
      struct stat st {};
      if (::lstat(from.c_str(), &st) != 0) fail("stat", from, errno);
      if (is_whiteout(st)) {
        fs::remove_all(to, ec);
        continue;
      }
      struct stat existing {};
      bool exists = ::lstat(to.c_str(), &existing) == 0;
      if (S_ISDIR(st.st_mode)) {
        if (exists && !S_ISDIR(existing.st_mode)) {
          fs::remove_all(to, ec);
          exists = false;
        }
        if (exists && is_opaque(from)) {
          for (const auto& old : fs::directory_iterator(to)) fs::remove_all(old.path(), ec);
        }
        if (!exists && ::mkdir(to.c_str(), 0700) != 0) fail("mkdir", to, errno);
        merge_dir(from, to);
        copy_metadata(from, to, st);
        continue;
      }
      if (exists) fs::remove_all(to, ec);
      copy_entry(from, to, st);
    }
    if (ec) fail("read directory", src, ec.value());
  }

  void copy_entry(const fs::path& from, const fs::path& to, const struct stat& st) {
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      if (auto it = links_.find(key); it != links_.end()) {
        if (::link(it->second.c_str(), to.c_str()) == 0) return;
      }
      links_[key] = to;
    }
    if (S_ISREG(st.st_mode)) {
      copy_contents(from, to);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(from.c_str(), target.data(), target.size());
      if (n < 0) fail("readlink", from, errno);
      target.resize(static_cast<size_t>(n));
      if (::symlink(target.c_str(), to.c_str()) != 0) fail("symlink", to, errno);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (::mknod(to.c_str(), st.st_mode, st.st_rdev) != 0) fail("mknod", to, errno);
    } else {
      return;  // sockets are not carried in layers
    }
    copy_metadata(from, to, st);
  }

  std::map<std::pair<dev_t, ino_t>, fs::path> links_;
};

}  // namespace

void copy_layers(const std::vector<fs::path>& lower, const fs::path& dest) {
  LayerMerger merger;
  for (const auto& layer : lower) merger.merge(layer, dest);
}

}  // namespace waybill::box
