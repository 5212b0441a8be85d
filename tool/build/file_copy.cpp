#include "build/file_copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "box/credentials.hpp"
#include "oci/layer_unpack.hpp"
#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

Error io_error(const std::string& what, const std::string& path, int err) {
  return Error::from_errno(what, path, err, ErrorKind::Io);
}

std::string read_in_root(int root_fd, const char* path) {
  auto r = open_in_root(root_fd, path, O_RDONLY);
  if (r.error != BeneathError::None) return "";
  return read_fd(r.fd.get(), path);
}

Owner resolve_owner(int target_fd, const std::string& chown) {
  if (chown.empty()) return {};
  bool numeric = !chown.empty() && chown.find_first_not_of("0123456789") == std::string::npos;
  if (numeric && chown.size() < 10) {  // "55" means 55:55, as in Docker
    auto id = static_cast<uid_t>(std::stoul(chown));
    return {id, static_cast<gid_t>(id)};
  }
  auto who = box::resolve_user(chown, read_in_root(target_fd, "/etc/passwd"), read_in_root(target_fd, "/etc/group"));
  return {who.uid, who.gid};
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join_abs(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

class RootWriter {
 public:
  // Without an owner, each entry keeps its source's (ADD of an archive does that).
  RootWriter(int root_fd, std::optional<Owner> owner, std::optional<mode_t> chmod)
      : root_(root_fd), owner_(owner), chmod_(chmod) {}

  // The directory `path` (absolute), created with its parents when missing. Symlinks on
  // the way are followed inside the root.
  UniqueFd directory(const std::string& path, mode_t mode_if_new = 0755) {
    std::string cleaned = path;
    while (cleaned.size() > 1 && cleaned.back() == '/') cleaned.pop_back();
    auto r = open_in_root(root_, cleaned, O_PATH | O_DIRECTORY);
    if (r.error == BeneathError::None) return std::move(r.fd);
    if (r.error != BeneathError::Missing) {
      if (r.err == ENOTDIR) throw Error(ErrorKind::Document, "cannot create directory " + path + ": a file is in the way");
      throw io_error("open", path, r.err);
    }
    UniqueFd parent = directory(parent_of(cleaned));
    std::string name = base_name(cleaned);
    if (::mkdirat(parent.get(), name.c_str(), 0700) != 0 && errno != EEXIST) throw io_error("create", path, errno);
    Owner o = owner_.value_or(Owner{});
    if (::fchownat(parent.get(), name.c_str(), o.uid, o.gid, AT_SYMLINK_NOFOLLOW) != 0)
      throw io_error("set the owner of", path, errno);
    if (::fchmodat(parent.get(), name.c_str(), chmod_.value_or(mode_if_new), 0) != 0)
      throw io_error("set the mode of", path, errno);
    auto again = open_in_root(root_, cleaned, O_PATH | O_DIRECTORY);
    if (again.error != BeneathError::None)
      throw Error(ErrorKind::Document, "cannot create directory " + path + ": a dangling symlink is in the way");
    return std::move(again.fd);
  }

  // Makes room for a new entry `name` in `dir`: anything but a directory goes.
  void clear(int dir, const std::string& name, const std::string& path, bool replacing_with_directory) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      if (replacing_with_directory) return;
      throw Error(ErrorKind::Document, "cannot replace the directory " + path + " with a file");
    }
    if (::unlinkat(dir, name.c_str(), 0) != 0) throw io_error("replace", path, errno);
  }

  void file_from(int source_fd, const struct stat& st, const std::string& path) {
    UniqueFd dir = directory(parent_of(path));
    std::string name = base_name(path);
    clear(dir.get(), name, path, false);
    UniqueFd out(::openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) throw io_error("create", path, errno);
    for (;;) {
      ssize_t n = ::copy_file_range(source_fd, nullptr, out.get(), nullptr, 1 << 30, 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS) throw io_error("copy into", path, errno);
        copy_by_read(source_fd, out.get(), path);
        break;
      }
    }
    finish(out.get(), st, path);
  }

  void file_with(const std::string& content, const std::string& path) {
    UniqueFd dir = directory(parent_of(path));
    std::string name = base_name(path);
    clear(dir.get(), name, path, false);
    UniqueFd out(::openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out || ::write(out.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
      throw io_error("write", path, errno);
    struct stat st {};
    st.st_mode = S_IFREG | 0644;
    finish(out.get(), st, path, false);
  }

  void symlink(const std::string& target, const struct stat& st, const std::string& path) {
    UniqueFd dir = directory(parent_of(path));
    std::string name = base_name(path);
    clear(dir.get(), name, path, false);
    if (::symlinkat(target.c_str(), dir.get(), name.c_str()) != 0) throw io_error("create the symlink", path, errno);
    Owner o = owner_for(st);
    if (::fchownat(dir.get(), name.c_str(), o.uid, o.gid, AT_SYMLINK_NOFOLLOW) != 0)
      throw io_error("set the owner of", path, errno);
    timespec times[2] = {st.st_mtim, st.st_mtim};
    ::utimensat(dir.get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  void subdirectory(const struct stat& st, const std::string& path) {
    UniqueFd dir = directory(parent_of(path));
    std::string name = base_name(path);
    clear(dir.get(), name, path, true);
    if (::mkdirat(dir.get(), name.c_str(), 0700) != 0 && errno != EEXIST) throw io_error("create", path, errno);
    Owner o = owner_for(st);
    if (::fchownat(dir.get(), name.c_str(), o.uid, o.gid, AT_SYMLINK_NOFOLLOW) != 0 ||
        ::fchmodat(dir.get(), name.c_str(), chmod_.value_or(st.st_mode & 07777), 0) != 0)
      throw io_error("set the owner and mode of", path, errno);
  }

 private:
  static void copy_by_read(int in, int out, const std::string& path) {
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(in, buf, sizeof buf);
      if (n == 0) return;
      if (n < 0) throw io_error("read the source of", path, errno);
      for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(out, buf + off, static_cast<size_t>(n - off));
        if (w < 0) throw io_error("write", path, errno);
        off += w;
      }
    }
  }

  void finish(int fd, const struct stat& st, const std::string& path, bool keep_time = true) {
    Owner o = owner_for(st);
    if (::fchown(fd, o.uid, o.gid) != 0) throw io_error("set the owner of", path, errno);
    if (::fchmod(fd, chmod_.value_or(st.st_mode & 07777)) != 0) throw io_error("set the mode of", path, errno);
    if (keep_time) {
      timespec times[2] = {st.st_mtim, st.st_mtim};
      ::futimens(fd, times);
    }
  }

  Owner owner_for(const struct stat& st) const { return owner_ ? *owner_ : Owner{st.st_uid, st.st_gid}; }

  int root_;
  std::optional<Owner> owner_;
  std::optional<mode_t> chmod_;
};

bool is_directory_in_root(int root_fd, const std::string& path) {
  auto r = open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
  return r.error == BeneathError::None;
}

// Copies what lies under `rel_dir` in `source` into `dest` (a directory).
void copy_tree(RootWriter& out, const SourceRoot& source, const std::string& rel_dir, const struct stat& dir_st,
               const std::string& dest) {
  out.directory(dest, dir_st.st_mode & 07777);
  size_t prefix = rel_dir.empty() ? 0 : rel_dir.size() + 1;
  walk_tree(source, rel_dir, [&](const std::string& rel, const struct stat& st) {
    std::string path = join_abs(dest, rel.substr(prefix));
    if (S_ISDIR(st.st_mode)) {
      out.subdirectory(st, path);
    } else if (S_ISLNK(st.st_mode)) {
      out.symlink(read_link(source, rel), st, path);
    } else if (S_ISREG(st.st_mode)) {
      auto in = open_beneath(source.fd, rel, O_RDONLY | O_NOFOLLOW);
      if (in.error != BeneathError::None) throw io_error("open", rel + " in " + source.what, in.err);
      out.file_from(in.fd.get(), st, path);
    }
    // Devices, fifos and sockets in a context are not copied, as Docker does not.
  });
}

bool looks_like_archive(int fd) {
  unsigned char head[512] = {};
  ssize_t n = ::pread(fd, head, sizeof head, 0);
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;                           // gzip
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return true;  // zstd
  return n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0;                             // tar
}

}  // namespace

std::optional<mode_t> parse_chmod(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos)
    throw Error(ErrorKind::Document, "invalid --chmod `" + text + "`", {}, "give an octal mode, e.g. --chmod=755");
  return static_cast<mode_t>(std::stoul(text, nullptr, 8));
}

void copy_into_root(int target_fd, const SourceRoot& source, const CopyRequest& request) {
  Owner owner = resolve_owner(target_fd, request.chown);
  RootWriter out(target_fd, owner, request.chmod);
  std::vector<SourceMatch> matches;
  for (const auto& pattern : request.sources) {
    auto found = match_sources(source, pattern);
    matches.insert(matches.end(), found.begin(), found.end());
  }
  std::string dest = request.dest;
  bool dest_is_dir = dest.back() == '/' || matches.size() + request.inline_files.size() > 1 ||
                     is_directory_in_root(target_fd, dest);
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  int archive_index = 0;
  for (const auto& m : matches) {
    if (S_ISDIR(m.st.st_mode)) {
      copy_tree(out, source, m.path, m.st, dest);
      continue;
    }
    auto in = open_in_root(source.fd, m.path, O_RDONLY);
    if (in.error != BeneathError::None) throw io_error("open", m.path + " in " + source.what, in.err);
    if (request.extract_archives && looks_like_archive(in.fd.get())) {
      std::filesystem::path unpacked = request.scratch / ("archive-" + std::to_string(archive_index++));
      make_dirs(unpacked);
      oci::extract_tar_file("/proc/self/fd/" + std::to_string(in.fd.get()), unpacked, m.path);
      UniqueFd root(::open(unpacked.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      SourceRoot archive{root.get(), "the archive " + m.path, nullptr};
      struct stat st {};
      ::fstat(root.get(), &st);
      // An archive's entries keep the owners it gives them, unless --chown says otherwise.
      RootWriter keep(target_fd, request.chown.empty() ? std::nullopt : std::optional<Owner>(owner), request.chmod);
      copy_tree(keep, archive, "", st, dest);
      continue;
    }
    std::string target = dest_is_dir ? join_abs(dest, base_name("/" + m.path)) : dest;
    out.file_from(in.fd.get(), m.st, target);
  }
  for (const auto& f : request.inline_files) out.file_with(f.content, dest_is_dir ? join_abs(dest, f.name) : dest);
}

void make_dir_in_root(int target_fd, const std::string& path, const std::string& chown) {
  RootWriter out(target_fd, resolve_owner(target_fd, chown), std::nullopt);
  out.directory(path);
}

}  // namespace waybill::build
