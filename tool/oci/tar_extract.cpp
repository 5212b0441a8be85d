#include "oci/tar_extract.hpp"

#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "oci/archive_message.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/user_namespace.hpp"

namespace waybill::oci {

namespace {

// Layer content may not set overlayfs's own attributes: they would change how the
// kernel reads the layer (redirects, metacopy), not what is in it.
bool forbidden_xattr(std::string_view name) {
  return name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.") || name == kDevicePlaceholderXattr;
}

std::string proc_fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  return end && *end == '\0' && n > 0 ? n : fallback;
}

}  // namespace

ExtractLimits ExtractLimits::from_environment() {
  ExtractLimits l;
  l.max_entries = env_number("WAYBILL_MAX_LAYER_ENTRIES", l.max_entries);
  l.max_bytes = env_number("WAYBILL_MAX_LAYER_BYTES", l.max_bytes);
  return l;
}

bool layer_path_components(std::string_view path, std::vector<std::string>& out, std::string& why) {
  out.clear();
  for (auto part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      why = "it contains `..`, which would lead outside the layer";
      return false;
    }
    out.emplace_back(part);
  }
  return true;
}

struct TarExtractor::Impl {
  UniqueFd root;
  std::string what;
  ExtractLimits limits;
  bool as_root = ::geteuid() == 0;
  bool in_userns = as_root && in_user_namespace();
  ExtractStats stats;
  std::vector<char> buf = std::vector<char>(1 << 20);

  // The directory most recently walked to, kept open: tar entries come grouped by
  // directory, so most entries reuse it.
  std::vector<std::string> cached_parent;
  UniqueFd cached_fd;

  struct DeferredDir {
    std::vector<std::string> comps;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    struct timespec mtime;
  };
  std::vector<DeferredDir> dirs;

  std::string current;  // the entry being extracted, for messages

  [[noreturn]] void refuse(const std::string& why) const {
    throw Error(ErrorKind::Document, what + ": entry `" + current + "`: " + why, {},
                "the layer is refused; nothing outside its directory was touched");
  }
  [[noreturn]] void fail_errno(const std::string& op, int err) const {
    refuse(op + ": " + std::strerror(err));
  }

  // The directory holding comps[0 .. n-1], walked without following any symlink.
  int parent(const std::vector<std::string>& comps, size_t n, bool create, const char* link_target = nullptr) {
    if (cached_fd && cached_parent.size() == n && std::equal(cached_parent.begin(), cached_parent.end(), comps.begin()))
      return cached_fd.get();
    UniqueFd cur(::fcntl(root.get(), F_DUPFD_CLOEXEC, 0));
    for (size_t i = 0; i < n; ++i) {
      const std::string& c = comps[i];
      int fd = ::openat(cur.get(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT && create) {
        if (::mkdirat(cur.get(), c.c_str(), 0755) != 0 && errno != EEXIST) fail_errno("mkdir `" + c + "`", errno);
        fd = ::openat(cur.get(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP)
          refuse("`" + c + "` is a symlink or a file in this layer; writing through it is refused");
        if (errno == ENOENT) {
          if (link_target) refuse("its link target `" + std::string(link_target) + "` is not in the layer");
          refuse("`" + c + "` does not exist in this layer");
        }
        fail_errno("open `" + c + "`", errno);
      }
      cur.reset(fd);
    }
    cached_parent.assign(comps.begin(), comps.begin() + static_cast<long>(n));
    cached_fd = std::move(cur);
    return cached_fd.get();
  }

  void remove_tree_at(int dirfd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      UniqueFd d(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (d) {
        ::fchmod(d.get(), 0700);
        std::vector<std::string> names;
        if (DIR* dir = ::fdopendir(::fcntl(d.get(), F_DUPFD_CLOEXEC, 0))) {
          while (dirent* de = ::readdir(dir))
            if (std::strcmp(de->d_name, ".") && std::strcmp(de->d_name, "..")) names.emplace_back(de->d_name);
          ::closedir(dir);
        }
        for (const auto& n : names) remove_tree_at(d.get(), n);
      }
      ::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR);
      cached_fd.reset();  // the cached directory may have been inside
      cached_parent.clear();
    } else {
      ::unlinkat(dirfd, name.c_str(), 0);
    }
  }

  void set_xattrs(const std::string& fd_path, archive_entry* e) {
    const char* name;
    const void* value;
    size_t size;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
      if (forbidden_xattr(name)) continue;
      if (::setxattr(fd_path.c_str(), name, value, size, 0) != 0 && errno != ENOTSUP && errno != EPERM)
        fail_errno(std::string("set xattr ") + name, errno);
    }
  }

  struct timespec mtime_of(archive_entry* e) const {
    struct timespec t {};
    t.tv_sec = archive_entry_mtime(e);
    t.tv_nsec = archive_entry_mtime_is_set(e) ? archive_entry_mtime_nsec(e) : 0;
    return t;
  }

  void regular(struct archive* a, archive_entry* e, int dirfd, const std::string& name) {
    int64_t declared = archive_entry_size(e);
    if (declared < 0 || static_cast<uint64_t>(declared) > limits.max_bytes - stats.bytes)
      refuse("it declares " + std::to_string(declared) + " bytes, more than the layer may hold (" +
             std::to_string(limits.max_bytes) + " bytes; WAYBILL_MAX_LAYER_BYTES)");
    int fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
      remove_tree_at(dirfd, name);
      fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0) fail_errno("create", errno);
    UniqueFd out(fd);
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
      if (n < 0) refuse("reading its data: " + archive_message(a));
      if (n == 0) break;
      stats.bytes += static_cast<uint64_t>(n);
      if (stats.bytes > limits.max_bytes) refuse("the layer holds more than " + std::to_string(limits.max_bytes) + " bytes");
      const char* p = buf.data();
      while (n > 0) {
        ssize_t w = ::write(out.get(), p, static_cast<size_t>(n));
        if (w < 0) {
          if (errno == EINTR) continue;
          fail_errno("write", errno);
        }
        p += w;
        n -= w;
      }
    }
    if (as_root && ::fchown(out.get(), archive_entry_uid(e), archive_entry_gid(e)) != 0) {
      // EINVAL: an id beyond this user namespace's map; the file stays root's.
      if (!(errno == EINVAL && in_userns)) fail_errno("chown", errno);
      ++stats.unmapped_owners;
    }
    ::fchmod(out.get(), archive_entry_perm(e));
    set_xattrs(proc_fd_path(out.get()), e);
    struct timespec times[2] = {mtime_of(e), mtime_of(e)};
    ::futimens(out.get(), times);
  }

  void directory(archive_entry* e, const std::vector<std::string>& comps, int dirfd) {
    if (!comps.empty()) {
      const std::string& name = comps.back();
      if (::mkdirat(dirfd, name.c_str(), 0700) != 0) {
        if (errno != EEXIST) fail_errno("mkdir", errno);
        struct stat st {};
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
          remove_tree_at(dirfd, name);
          if (::mkdirat(dirfd, name.c_str(), 0700) != 0) fail_errno("mkdir", errno);
        }
      }
    }
    if (archive_entry_xattr_count(e) > 0) {
      UniqueFd d(comps.empty() ? ::fcntl(root.get(), F_DUPFD_CLOEXEC, 0)
                               : ::openat(dirfd, comps.back().c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (d) set_xattrs(proc_fd_path(d.get()), e);
    }
    // Modes and times are set at the end: a read-only directory must still take its
    // children, and creating them would change its mtime.
    dirs.push_back(DeferredDir{comps, static_cast<mode_t>(archive_entry_perm(e)), static_cast<uid_t>(archive_entry_uid(e)),
                               static_cast<gid_t>(archive_entry_gid(e)), mtime_of(e)});
  }

  void whiteout(const std::vector<std::string>& comps, int dirfd) {
    const std::string& name = comps.back();
    if (name == ".wh..wh..opq") {
      // An opaque directory: lower layers' contents of the parent are hidden.
      UniqueFd d(comps.size() == 1 ? ::fcntl(root.get(), F_DUPFD_CLOEXEC, 0) : ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
      std::string p = proc_fd_path(d.get());
      bool set = false;
      if (as_root) set = ::setxattr(p.c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0;
      set = (::setxattr(p.c_str(), "user.overlay.opaque", "y", 1, 0) == 0) || set;
      if (!set) fail_errno("mark the directory opaque", errno);
      return;
    }
    std::string hidden = name.substr(4);
    if (hidden.empty() || hidden.starts_with(".wh.")) refuse("it is a malformed whiteout");
    remove_tree_at(dirfd, hidden);
    // overlayfs's whiteout: a 0/0 character device (unprivileged users may make one
    // since Linux 5.8).
    if (::mknodat(dirfd, hidden.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) fail_errno("create whiteout", errno);
  }

  void hardlink(const char* target, const std::vector<std::string>& comps, int dirfd) {
    std::vector<std::string> t;
    std::string why;
    if (!layer_path_components(target, t, why)) refuse("its link target `" + std::string(target) + "` is refused: " + why);
    if (t.empty()) refuse("its link target is the layer root");
    // Walk to the target's directory first: `parent` reuses one cached fd.
    UniqueFd tdir(::fcntl(parent(t, t.size() - 1, false, target), F_DUPFD_CLOEXEC, 0));
    struct stat st {};
    if (::fstatat(tdir.get(), t.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      refuse("its link target `" + std::string(target) + "` is not in the layer");
    if (S_ISDIR(st.st_mode)) refuse("its link target `" + std::string(target) + "` is a directory");
    int dir = parent(comps, comps.size() - 1, true);
    remove_tree_at(dir, comps.back());
    dir = parent(comps, comps.size() - 1, true);
    if (::linkat(tdir.get(), t.back().c_str(), dir, comps.back().c_str(), 0) != 0) fail_errno("link", errno);
    (void)dirfd;
  }

  void special(archive_entry* e, const std::string& name, int dirfd, mode_t type) {
    remove_tree_at(dirfd, name);
    if (type == AE_IFIFO) {
      if (::mkfifoat(dirfd, name.c_str(), archive_entry_perm(e)) != 0) fail_errno("mkfifo", errno);
    } else {
      if (!as_root) {
        stats.skipped.push_back(current + " (a device node; only root creates those)");
        return;
      }
      mode_t m = (type == AE_IFCHR ? S_IFCHR : S_IFBLK) | archive_entry_perm(e);
      if (::mknodat(dirfd, name.c_str(), m, archive_entry_rdev(e)) != 0) {
        if (!(errno == EPERM && in_userns)) fail_errno("mknod", errno);
        if (!device_placeholder(e, name, dirfd, type)) return;
      }
    }
    if (as_root) ::fchownat(dirfd, name.c_str(), archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW);
    // mknod and mkfifo apply the umask; the layer's mode is the one to keep. The name is
    // the node just made in a directory walked with O_NOFOLLOW, so no link is followed.
    ::fchmodat(dirfd, name.c_str(), archive_entry_perm(e), 0);
    struct timespec times[2] = {mtime_of(e), mtime_of(e)};
    ::utimensat(dirfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  // An empty file that says which device it stands for (kDevicePlaceholderXattr).
  bool device_placeholder(archive_entry* e, const std::string& name, int dirfd, mode_t type) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, archive_entry_perm(e)));
    if (!fd) fail_errno("create a device placeholder", errno);
    std::string dev = std::string(type == AE_IFCHR ? "c:" : "b:") + std::to_string(archive_entry_rdevmajor(e)) + ":" +
                      std::to_string(archive_entry_rdevminor(e));
    if (::fsetxattr(fd.get(), kDevicePlaceholderXattr, dev.data(), dev.size(), 0) != 0) {
      // A file system without user xattrs: the node is left out.
      fd.reset();
      ::unlinkat(dirfd, name.c_str(), 0);
      stats.skipped.push_back(current + " (a device node; only root creates those)");
      return false;
    }
    ++stats.device_placeholders;
    return true;
  }

  void symlink(archive_entry* e, const std::string& name, int dirfd) {
    const char* target = archive_entry_symlink(e);
    if (!target) refuse("it is a symlink without a target");
    remove_tree_at(dirfd, name);
    if (::symlinkat(target, dirfd, name.c_str()) != 0) fail_errno("symlink", errno);
    if (as_root) ::fchownat(dirfd, name.c_str(), archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW);
    struct timespec times[2] = {mtime_of(e), mtime_of(e)};
    ::utimensat(dirfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  void entry(struct archive* a, archive_entry* e) {
    if (++stats.entries > limits.max_entries)
      refuse("the layer has more than " + std::to_string(limits.max_entries) + " entries (WAYBILL_MAX_LAYER_ENTRIES)");
    const char* raw = archive_entry_pathname(e);
    current = raw ? raw : "";
    std::vector<std::string> comps;
    std::string why;
    if (!layer_path_components(current, comps, why)) refuse(why);
    mode_t type = archive_entry_filetype(e);
    const char* link = archive_entry_hardlink(e);
    if (comps.empty()) {
      if (type == AE_IFDIR) directory(e, comps, root.get());
      return;  // the root itself
    }
    const std::string& name = comps.back();
    if (name.starts_with(".wh.")) return whiteout(comps, parent(comps, comps.size() - 1, true));
    if (link) return hardlink(link, comps, -1);
    int dirfd = parent(comps, comps.size() - 1, true);
    switch (type) {
      case AE_IFREG: return regular(a, e, dirfd, name);
      case AE_IFDIR: return directory(e, comps, dirfd);
      case AE_IFLNK: return symlink(e, name, dirfd);
      case AE_IFCHR:
      case AE_IFBLK:
      case AE_IFIFO: return special(e, name, dirfd, type);
      default: stats.skipped.push_back(current + " (a socket or unknown file type)");
    }
  }

  void finish_directories() {
    cached_fd.reset();
    cached_parent.clear();
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      UniqueFd d;
      if (it->comps.empty()) {
        d.reset(::openat(root.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      } else {
        int p = parent(it->comps, it->comps.size() - 1, false);
        d.reset(::openat(p, it->comps.back().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      }
      if (!d) continue;  // replaced later in the layer
      if (as_root) ::fchown(d.get(), it->uid, it->gid);
      ::fchmod(d.get(), it->mode);
      struct timespec times[2] = {it->mtime, it->mtime};
      ::futimens(d.get(), times);
    }
  }
};

TarExtractor::TarExtractor(const std::filesystem::path& root, std::string what, ExtractLimits limits)
    : impl_(new Impl) {
  impl_->root.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!impl_->root) {
    int err = errno;
    delete impl_;
    throw Error::from_errno("open", root.string(), err);
  }
  impl_->what = std::move(what);
  impl_->limits = limits;
}

TarExtractor::~TarExtractor() { delete impl_; }

ExtractStats TarExtractor::extract(struct archive* a) {
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      throw Error(ErrorKind::Document, impl_->what + ": not a valid tar stream: " + archive_message(a), {},
                  "the layer is refused; nothing outside its directory was touched");
    }
    impl_->entry(a, e);
  }
  impl_->finish_directories();
  return impl_->stats;
}

void report_extract_notes(const ExtractStats& stats, const std::string& what, Reporter& reporter) {
  if (!stats.skipped.empty()) {
    std::string first = stats.skipped.front();
    reporter.warn(what + ": " + std::to_string(stats.skipped.size()) + " entries left out, the first " + first, {},
                  stats.skipped.size() > 1 ? "the others are of the same kinds; boxes get /dev from the host" : "");
  }
  if (stats.device_placeholders)
    reporter.status(what + ": " + std::to_string(stats.device_placeholders) +
                    " device nodes kept as placeholders (only root on the host makes device nodes; boxes get /dev "
                    "from the host)");
  if (stats.unmapped_owners)
    reporter.warn(what + ": " + std::to_string(stats.unmapped_owners) +
                      " files belong to ids that this user's namespace does not map; here they belong to root",
                  {}, "give the user subordinate ids (65536 of them) in /etc/subuid and /etc/subgid, or run waybill as root");
}

}  // namespace waybill::oci
