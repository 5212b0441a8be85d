#include "util/safe_path.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

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
  // An empty root is the working directory: the folder of a document named bare
  // (`waybill render paper.md`) is the empty path.
  UniqueFd root_fd(::open(root.empty() ? "." : root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
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

std::string unsafe_name_reason(std::string_view name, size_t max_depth, size_t max_bytes) {
  if (name.empty()) return "it is empty";
  if (name.size() > max_bytes) return "it is longer than " + std::to_string(max_bytes) + " bytes";
  if (name.front() == '/') return "it is an absolute path";
  if (!is_valid_utf8(name)) return "it is not valid UTF-8";
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "it contains a control character";
    if (c == '\\') return "it contains a backslash";
  }
  std::vector<std::string_view> parts = split(name, '/');
  if (parts.size() > max_depth)
    return max_depth == 1 ? "it contains a `/`" : "it is more than " + std::to_string(max_depth) + " levels deep";
  for (auto p : parts) {
    if (p.empty()) return "it has an empty component (`//`, or a `/` at its end)";
    if (p == "." || p == "..") return "it contains `" + std::string(p) + "`";
    if (p.size() > 255) return "a component of it is longer than 255 bytes";
  }
  return "";
}

namespace {

// Opens (making it if missing) the directory `name` beneath `dir`, refusing a symlink.
UniqueFd enter_directory(int dir, const std::string& name, std::string_view whole) {
  if (::mkdirat(dir, name.c_str(), 0755) != 0 && errno != EEXIST)
    throw Error::from_errno("create directory", std::string(whole), errno);
  UniqueFd next(::openat(dir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!next) {
    if (errno == ELOOP || errno == ENOTDIR)
      throw Error(ErrorKind::Document, "refused to write `" + std::string(whole) + "`: `" + name +
                                           "` on its way is a link or not a directory");
    throw Error::from_errno("open directory", std::string(whole), errno);
  }
  return next;
}

std::string random_suffix() {
  unsigned char bytes[6];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    throw Error::from_errno("getrandom", "", errno);
  char hex[13];
  for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

}  // namespace

void write_file_beneath(const std::filesystem::path& root, std::string_view relative, std::string_view data,
                        mode_t mode) {
  std::string why = unsafe_name_reason(relative, 64, 4096);
  if (!why.empty())
    throw Error(ErrorKind::Document, "refused to write a file named `" + printable(relative) + "`: " + why, {},
                "names that cells and documents give to files must be plain relative names");
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw Error::from_errno("open directory", root.string(), errno);
  std::vector<std::string_view> parts = split(relative, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) dir = enter_directory(dir.get(), std::string(parts[i]), relative);
  std::string last(parts.back());
  std::string tmp = "." + last.substr(0, 200) + ".tmp-" + random_suffix();
  UniqueFd fd(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) throw Error::from_errno("create", (root / relative).string(), errno);
  try {
    for (size_t off = 0; off < data.size();) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error::from_errno("write", (root / relative).string(), errno);
      off += static_cast<size_t>(n);
    }
    if (::fchmod(fd.get(), mode) != 0) throw Error::from_errno("chmod", (root / relative).string(), errno);
    fd.reset();
    // rename replaces a link at the destination rather than following it.
    if (::renameat(dir.get(), tmp.c_str(), dir.get(), last.c_str()) != 0)
      throw Error::from_errno("rename into", (root / relative).string(), errno);
  } catch (...) {
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    throw;
  }
}

}  // namespace waybill
