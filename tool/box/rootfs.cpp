#include "box/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/user_namespace.hpp"
#include "util/error.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

// overlayfs splits its options at ',' and lowerdir at ':'; a backslash escapes both.
std::string escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ',' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

constexpr size_t kMaxOptions = 4095;  // one page, less the terminating NUL

}  // namespace

OverlayOptions overlay_options(const RootFs& root, const BoxDirs& dirs) {
  OverlayOptions o;
  std::vector<fs::path> lower = root.lower;
  if (lower.empty()) lower.push_back(dirs.empty());
  bool common = true;
  for (const auto& l : lower) common = common && l.parent_path() == lower.front().parent_path();
  if (common) o.lower_parent = lower.front().parent_path();
  std::string lowerdir;
  // overlayfs lists the uppermost lower layer first.
  for (auto it = lower.rbegin(); it != lower.rend(); ++it) {
    if (!lowerdir.empty()) lowerdir += ':';
    lowerdir += escape(common ? it->filename().string() : it->string());
  }
  fs::path upper = root.upper.empty() ? dirs.upper() : root.upper;
  fs::path work = root.upper.empty() ? dirs.work() : root.work;
  o.data = "lowerdir=" + lowerdir + ",upperdir=" + escape(upper.string()) + ",workdir=" + escape(work.string());
  // In a user namespace overlayfs keeps its opaque and redirect marks in user.* xattrs.
  if (in_user_namespace()) o.data += ",userxattr";
  if (o.data.size() > kMaxOptions) {
    throw Error(ErrorKind::Environment,
                "the image has " + std::to_string(root.lower.size()) + " layers, more than one overlay mount can stack",
                {}, "squash the image into fewer layers");
  }
  return o;
}

std::string read_only_overlay_options(const std::vector<fs::path>& layers, bool user_xattr) {
  std::string lowerdir;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowerdir += (lowerdir.empty() ? "" : ":") + escape(it->string());
  std::string data = "lowerdir=" + lowerdir + (user_xattr ? ",userxattr" : "");
  if (data.size() > kMaxOptions)
    throw Error(ErrorKind::Environment, "the data image has " + std::to_string(layers.size()) +
                                            " layers, more than one overlay mount can stack",
                {}, "pack the data again with `waybill image pack-data`, which writes one layer");
  return data;
}

std::filesystem::path BoxDirs::generated(const std::string& target) const {
  std::string name = target.substr(1);
  std::replace(name.begin(), name.end(), '/', '-');
  return scratch / name;
}

namespace {

void make_dir(const fs::path& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0) throw Error::from_errno("create", dir.string(), errno, ErrorKind::Environment);
}

void write_new_file(const fs::path& path, const std::string& content) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd || ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
    throw Error::from_errno("write", path.string(), errno, ErrorKind::Environment);
}

bool etc_of(const RootFs& root, struct stat& st) {
  for (auto it = root.lower.rbegin(); it != root.lower.rend(); ++it)
    if (::lstat((*it / "etc").c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  return false;
}

}  // namespace

bool can_seed_upper(const RootFs& root) {
  struct stat st {};
  return root.upper.empty() && etc_of(root, st);
}

void prepare_scratch(const RootFs& root, const BoxDirs& dirs, const std::vector<GeneratedFile>& seeded,
                     const std::vector<GeneratedFile>& bound) {
  if (::mount("tmpfs", dirs.scratch.c_str(), "tmpfs", 0, "mode=0700") != 0)
    throw Error::from_errno("mount a tmpfs on", dirs.scratch.string(), errno, ErrorKind::Environment);
  make_dir(dirs.root(), 0755);
  make_dir(dirs.empty(), 0755);
  if (root.upper.empty()) {
    make_dir(dirs.upper(), 0755);
    make_dir(dirs.work(), 0700);
  }
  if (!seeded.empty()) {
    // The upper /etc copies the image's mode and owner, which the overlay then shows.
    struct stat st {};
    etc_of(root, st);
    fs::path etc = dirs.upper() / "etc";
    make_dir(etc, st.st_mode & 07777);
    // EINVAL: the owner is not mapped in this (rootless) box; the user's own stays.
    if (::chown(etc.c_str(), st.st_uid, st.st_gid) != 0 && errno != EINVAL)
      throw Error::from_errno("chown", etc.string(), errno);
    for (const auto& f : seeded) write_new_file(dirs.upper() / f.target.substr(1), f.content);
  }
  for (const auto& f : bound) write_new_file(dirs.generated(f.target), f.content);
}

UniqueFd mount_root(const RootFs& root, const BoxDirs& dirs, std::string& warning) {
  const char* mode = std::getenv("WAYBILL_ROOTFS");
  bool force_copy = mode && std::strcmp(mode, "copy") == 0;
  if (!force_copy) {
    OverlayOptions o = overlay_options(root, dirs);
    if (!o.lower_parent.empty() && ::chdir(o.lower_parent.c_str()) != 0)
      throw Error::from_errno("chdir", o.lower_parent.string(), errno, ErrorKind::Environment);
    if (::mount("overlay", dirs.root().c_str(), "overlay", 0, o.data.c_str()) == 0) {
      UniqueFd fd(::open(dirs.root().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!fd) throw Error::from_errno("open", dirs.root().string(), errno, ErrorKind::Environment);
      return fd;
    }
    int err = errno;
    if (err != ENODEV && err != EINVAL && err != EPERM && err != ENOTSUP)
      throw Error::from_errno("mount the overlay root at", dirs.root().string(), err, ErrorKind::Environment);
    warning = "overlayfs is not available here (" + std::string(std::strerror(err)) +
              "); the box runs on a copy of the image, which is slower";
  }
  if (!root.upper.empty()) {
    throw Error(ErrorKind::Environment, "a kept upper layer needs overlayfs, which is not available here", {},
                "unset WAYBILL_ROOTFS, or run where overlayfs can be mounted");
  }
  make_dirs(dirs.copy);
  // The throwaway upper layer (with any seeded files) goes on top, as overlay would put it.
  std::vector<fs::path> layers = root.lower;
  layers.push_back(dirs.upper());
  copy_layers(layers, dirs.copy);
  // pivot_root needs a mount point: the copy becomes one by being bound onto itself.
  if (::mount(dirs.copy.c_str(), dirs.copy.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    throw Error::from_errno("bind", dirs.copy.string(), errno, ErrorKind::Environment);
  UniqueFd fd(::open(dirs.copy.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error::from_errno("open", dirs.copy.string(), errno, ErrorKind::Environment);
  return fd;
}

}  // namespace waybill::box
