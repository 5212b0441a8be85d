#include "box/mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::box {

namespace {

[[noreturn]] void fail(std::string_view what, const std::string& target, int err) {
  throw Error::from_errno(what, target, err, ErrorKind::Environment);
}

void mount_at(const char* source, int target_fd, const char* fstype, unsigned long flags, const std::string& data,
              const std::string& target) {
  std::string path = fd_path(target_fd);
  if (::mount(source, path.c_str(), fstype, flags, data.empty() ? nullptr : data.c_str()) != 0)
    fail(std::string("mount ") + (fstype ? fstype : source) + " on", target, errno);
}

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// Re-mounts the mount at `target` read-only, keeping the flags the kernel locks for it.
void remount_read_only(int root_fd, const std::string& target, TargetType type) {
  UniqueFd fd = open_target(root_fd, target, type, false);
  struct statvfs sv {};
  if (::fstatvfs(fd.get(), &sv) != 0) fail("statvfs", target, errno);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  mount_at(nullptr, fd.get(), nullptr, flags, {}, target);
}

TargetType type_of(int fd, const std::string& what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("stat", what, errno);
  return S_ISDIR(st.st_mode) ? TargetType::Directory : TargetType::File;
}

void bind(int root_fd, const MountOp& op) {
  UniqueFd source(::open(op.source.c_str(), O_PATH | O_CLOEXEC));
  if (!source) fail("open bind mount source", op.source.string(), errno);
  TargetType type = type_of(source.get(), op.source.string());
  UniqueFd target = open_target(root_fd, op.target, type, op.no_symlinks);
  std::string from = fd_path(source.get());
  mount_at(from.c_str(), target.get(), nullptr, MS_BIND | MS_REC, {}, op.target);
  if (op.read_only) remount_read_only(root_fd, op.target, type);
}

// An optional target that is absent is skipped; an existing one is returned.
UniqueFd open_existing(int root_fd, const MountOp& op) {
  BeneathResult r = open_in_root(root_fd, op.target, O_PATH, op.no_symlinks);
  if (!r.fd && !(op.optional && r.error == BeneathError::Missing)) fail("open", op.target, r.err ? r.err : ELOOP);
  return std::move(r.fd);
}

void mask(int root_fd, const MountOp& op) {
  UniqueFd target = open_existing(root_fd, op);
  if (!target) return;
  if (type_of(target.get(), op.target) == TargetType::Directory) {
    mount_at("tmpfs", target.get(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0", op.target);
    return;
  }
  UniqueFd null(::open(op.source.c_str(), O_PATH | O_CLOEXEC));
  if (!null) fail("open", op.source.string(), errno);
  std::string from = fd_path(null.get());
  mount_at(from.c_str(), target.get(), nullptr, MS_BIND, {}, op.target);
}

void make_read_only(int root_fd, const MountOp& op) {
  UniqueFd target = open_existing(root_fd, op);
  if (!target) return;
  TargetType type = type_of(target.get(), op.target);
  std::string self = fd_path(target.get());
  mount_at(self.c_str(), target.get(), nullptr, MS_BIND | MS_REC, {}, op.target);
  remount_read_only(root_fd, op.target, type);
}

void device(int root_fd, const MountOp& op) {
  UniqueFd dir = open_target(root_fd, parent_of(op.target), TargetType::Directory, true);
  std::string name = name_of(op.target);
  if (::mknodat(dir.get(), name.c_str(), S_IFCHR | 0666, op.device) == 0) return;
  if (errno != EPERM) fail("mknod", op.target, errno);
  // Without CAP_MKNOD (a user namespace) the host's node is bind-mounted instead.
  MountOp b = op;
  b.kind = MountKind::Bind;
  bind(root_fd, b);
}

void symlink(int root_fd, const MountOp& op) {
  UniqueFd dir = open_target(root_fd, parent_of(op.target), TargetType::Directory, true);
  if (::symlinkat(op.link.c_str(), dir.get(), name_of(op.target).c_str()) != 0 && errno != EEXIST)
    fail("symlink", op.target, errno);
}

void filesystem(int root_fd, const MountOp& op, const char* fstype) {
  UniqueFd target = open_target(root_fd, op.target, TargetType::Directory, op.no_symlinks);
  mount_at(fstype, target.get(), fstype, op.flags, op.data, op.target);
}

void apply(int root_fd, const MountOp& op) {
  switch (op.kind) {
    case MountKind::Proc: return filesystem(root_fd, op, "proc");
    case MountKind::Tmpfs: return filesystem(root_fd, op, "tmpfs");
    case MountKind::Devpts: return filesystem(root_fd, op, "devpts");
    case MountKind::Sysfs:
      try {
        return filesystem(root_fd, op, "sysfs");
      } catch (const Error&) {
        // sysfs refuses a mount for a network namespace we do not own; runc then binds
        // the host's /sys read-only, and so do we.
        MountOp b = op;
        b.source = "/sys";
        b.read_only = true;
        return bind(root_fd, b);
      }
    case MountKind::Bind: return bind(root_fd, op);
    case MountKind::Mask: return mask(root_fd, op);
    case MountKind::ReadOnly: return make_read_only(root_fd, op);
    case MountKind::Device: return device(root_fd, op);
    case MountKind::Symlink: return symlink(root_fd, op);
    case MountKind::Layers: return filesystem(root_fd, op, "overlay");
  }
}

}  // namespace

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

void make_mounts_private() {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("make private", "/", errno);
}

namespace {

// Creates the missing components of `path` one by one, each opened inside the root. A
// dangling symlink on the way is followed as the kernel would inside the root: its
// target is created instead. Returns the path to open (with the links replaced).
std::string create_missing(int root_fd, std::string path, TargetType type, bool no_symlinks) {
  for (int hops = 0; hops < 40; ++hops) {
    std::vector<std::string_view> parts;
    for (auto p : split(path, '/'))
      if (!p.empty() && p != ".") parts.push_back(p);
    std::string prefix;
    bool restarted = false;
    for (size_t i = 0; i < parts.size() && !restarted; ++i) {
      if (parts[i] == "..") throw Error(ErrorKind::Usage, "mount target `" + path + "` contains `..`");
      std::string parent = prefix.empty() ? "/" : prefix;
      prefix += "/" + std::string(parts[i]);
      BeneathResult c = open_in_root(root_fd, prefix, O_PATH, no_symlinks);
      if (c.fd) continue;
      if (c.error != BeneathError::Missing) fail("open", prefix, c.err ? c.err : ELOOP);
      BeneathResult dir = open_in_root(root_fd, parent, O_PATH | O_DIRECTORY, no_symlinks);
      if (!dir.fd) fail("open", parent, dir.err ? dir.err : ELOOP);
      std::string name(parts[i]);
      char link[4096];
      ssize_t n = ::readlinkat(dir.fd.get(), name.c_str(), link, sizeof link - 1);
      if (n >= 0) {
        // A dangling symlink: continue from its target, relative to the root or to its directory.
        std::string target(link, static_cast<size_t>(n));
        std::string rest;
        for (size_t k = i + 1; k < parts.size(); ++k) rest += "/" + std::string(parts[k]);
        path = (target.starts_with('/') ? target : parent + "/" + target) + rest;
        path = std::filesystem::path(path).lexically_normal().string();
        while (path.starts_with("/..")) path = path.substr(3);  // `..` stops at the root
        if (path.empty()) path = "/";
        restarted = true;
        continue;
      }
      if (i + 1 == parts.size() && type == TargetType::File) {
        UniqueFd f(::openat(dir.fd.get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!f && errno != EEXIST) fail("create mount point", prefix, errno);
      } else if (::mkdirat(dir.fd.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        fail("create mount point", prefix, errno);
      }
    }
    if (!restarted) return path;
  }
  fail("resolve", path, ELOOP);
}

}  // namespace

UniqueFd open_target(int root_fd, const std::string& target, TargetType type, bool no_symlinks) {
  if (target.empty() || target[0] != '/')
    throw Error(ErrorKind::Usage, "mount target `" + target + "` is not an absolute path");
  BeneathResult r = open_in_root(root_fd, target, O_PATH, no_symlinks);
  if (r.error == BeneathError::Missing)
    r = open_in_root(root_fd, create_missing(root_fd, target, type, no_symlinks), O_PATH, no_symlinks);
  if (r.error == BeneathError::Escapes && no_symlinks) {
    throw Error(ErrorKind::Document, "`" + target + "` in the image is a symlink; refusing to mount over it", {},
                "an image must have a real directory there; a symlink could redirect the mount to the host");
  }
  if (!r.fd) fail("open mount target", target, r.err ? r.err : ELOOP);
  if (type_of(r.fd.get(), target) != type) {
    throw Error(ErrorKind::Usage,
                "cannot mount a " + std::string(type == TargetType::Directory ? "directory" : "file") + " on `" +
                    target + "`: it is a " + (type == TargetType::Directory ? "file" : "directory") + " in the image");
  }
  return std::move(r.fd);
}

void apply_mounts(int root_fd, const std::vector<MountOp>& ops) {
  for (const auto& op : ops) {
    try {
      apply(root_fd, op);
    } catch (Error& e) {
      e.add_context("setting up the box (" + describe(op) + ")");
      throw;
    }
  }
}

void enter_root(int root_fd) {
  if (::fchdir(root_fd) != 0) fail("chdir", "the box root", errno);
  // pivot_root(".", ".") stacks the old root on top of the new one; detaching it then
  // leaves only the new root, with no path back to the host's tree.
  if (::syscall(SYS_pivot_root, ".", ".") != 0) fail("pivot_root", "the box root", errno);
  if (::umount2(".", MNT_DETACH) != 0) fail("detach", "the old root", errno);
  if (::chdir("/") != 0) fail("chdir", "/", errno);
}

}  // namespace waybill::box
