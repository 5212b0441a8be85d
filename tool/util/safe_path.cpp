#include "util/safe_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill {

namespace {

BeneathResult from_errno(int err) {
  BeneathResult r;
  r.err = err;
  r.error = err == EXDEV || err == ELOOP ? BeneathError::Escapes : err == ENOENT ? BeneathError::Missing : BeneathError::Other;
  return r;
}

// The fallback: every component opened with O_NOFOLLOW relative to the previous one;
// `..` and symlinks are refused outright (stricter than openat2, never looser).
BeneathResult walk_beneath(int root_fd, std::string_view relative, int flags) {
  std::vector<std::string_view> parts;
  for (auto p : split(relative, '/'))
    if (!p.empty() && p != ".") parts.push_back(p);
  if (parts.empty()) return from_errno(EISDIR);
  UniqueFd dir(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") return from_errno(EXDEV);
    std::string name(parts[i]);
    bool last = i + 1 == parts.size();
    int f = last ? (flags | O_NOFOLLOW | O_CLOEXEC) : (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int fd = ::openat(dir.get(), name.c_str(), f);
    if (fd < 0) return from_errno(errno == ENOTDIR && !last ? ELOOP : errno);
    dir.reset(fd);
  }
  BeneathResult r;
  r.fd = std::move(dir);
  return r;
}

}  // namespace

BeneathResult open_beneath(int root_fd, std::string_view relative, int flags) {
  if (relative.starts_with('/')) return from_errno(EXDEV);
  std::string rel(relative);
  struct open_how how {};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
  if (fd >= 0) {
    BeneathResult r;
    r.fd.reset(static_cast<int>(fd));
    return r;
  }
  if (errno == ENOSYS || errno == EPERM) return walk_beneath(root_fd, relative, flags);  // old kernel or seccomp
  return from_errno(errno);
}

BeneathResult open_in_root(int root_fd, std::string_view path, int flags, bool no_symlinks) {
  while (path.starts_with('/')) path.remove_prefix(1);
  if (path.empty()) path = ".";
  std::string rel(path);
  struct open_how how {};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0);
  long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
  if (fd >= 0) {
    BeneathResult r;
    r.fd.reset(static_cast<int>(fd));
    return r;
  }
  if (errno == ENOSYS || errno == EPERM) {
    if (rel == ".") {
      BeneathResult r;
      r.fd.reset(::openat(root_fd, ".", flags | O_CLOEXEC));
      if (!r.fd) return from_errno(errno);
      return r;
    }
    return walk_beneath(root_fd, rel, flags);
  }
  return from_errno(errno);
}

BeneathResult open_beneath(const std::filesystem::path& root, std::string_view relative, int flags) {
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return from_errno(errno);
  return open_beneath(root_fd.get(), relative, flags);
}

std::string read_file_beneath(const std::filesystem::path& root, std::string_view relative) {
  BeneathResult r = open_beneath(root, relative, O_RDONLY);
  if (r.error == BeneathError::Escapes) {
    throw Error(ErrorKind::Document, "`" + std::string(relative) + "` leads outside `" + root.string() + "`", {},
                "refer to files inside the document's directory");
  }
  if (!r.fd) throw Error::from_errno("open", (root / relative).string(), r.err ? r.err : ENOENT);
  return read_fd(r.fd.get(), (root / relative).string());
}

}  // namespace waybill
