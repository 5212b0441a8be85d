#pragma once
// The box's root file system: an overlay of the image's unpacked layers with a
// writable upper layer, or, where overlayfs is refused (or WAYBILL_ROOTFS=copy asks
// for it), a private copy of the layers with their whiteouts applied.
#include <filesystem>
#include <string>
#include <vector>

#include "box/spec.hpp"
#include "util/fs.hpp"

namespace waybill::box {

// Where a box's root is assembled. `scratch` is one host directory shared by every box:
// each box mounts its own tmpfs over it inside its private mount namespace, so the
// throwaway upper layer, the mount point and the generated /etc files vanish with the
// namespace, even when waybill is killed, and nothing needs removing afterwards. Only
// the copy fallback writes to disk, in `copy`.
struct BoxDirs {
  std::filesystem::path scratch;
  std::filesystem::path copy;  // <state_dir>/<box id>-rootfs
  std::filesystem::path root() const { return scratch / "root"; }
  std::filesystem::path upper() const { return scratch / "upper"; }
  std::filesystem::path work() const { return scratch / "work"; }
  std::filesystem::path empty() const { return scratch / "empty"; }  // the lower of an image with no layers
  std::filesystem::path generated(const std::string& target) const;   // "/etc/hosts" -> scratch/etc-hosts
};

// A file the box gets over the image's own (/etc/hosts, /etc/hostname, /etc/resolv.conf).
struct GeneratedFile {
  std::string target;
  std::string content;
};

// Whether generated files can go straight into a throwaway upper layer: the image has
// an /etc directory to merge with. Otherwise they are bind-mounted.
bool can_seed_upper(const RootFs& root);

// Mounts the tmpfs over `dirs.scratch` and creates the mount point, and the upper and
// work directories of a throwaway upper layer. `seeded` files are written into the
// upper layer, `bound` ones beside it for bind mounts.
void prepare_scratch(const RootFs& root, const BoxDirs& dirs, const std::vector<GeneratedFile>& seeded,
                     const std::vector<GeneratedFile>& bound);

struct OverlayOptions {
  std::string data;                    // "lowerdir=...,upperdir=...,workdir=..."
  std::filesystem::path lower_parent;  // chdir here first: lowerdir names are relative to it
};

// The overlay mount options. Layer directories that share a parent are named relative
// to it, so that about 60 layers fit the kernel's one-page limit; more is an error.
// Called where the overlay is mounted: inside a user namespace, it adds `userxattr`.
OverlayOptions overlay_options(const RootFs& root, const BoxDirs& dirs);

// The options of a read-only overlay of `layers` (lowest first) with no upper layer;
// `user_xattr` for one mounted in a rootless box.
std::string read_only_overlay_options(const std::vector<std::filesystem::path>& layers, bool user_xattr);

// Mounts the root at dirs.root() (or dirs.copy) inside the box's mount namespace and
// returns an O_PATH fd to it. `warning` says why the copy fallback was taken, if it was.
UniqueFd mount_root(const RootFs& root, const BoxDirs& dirs, std::string& warning);

// Copies `lower` (lowest first) into `dest`, applying overlay whiteouts and opaque
// directories as the overlay would show them.
void copy_layers(const std::vector<std::filesystem::path>& lower, const std::filesystem::path& dest);

}  // namespace waybill::box
