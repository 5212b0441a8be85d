#pragma once
// The box's file system policy as data (bubblewrap's list of setup operations): a
// BoxSpec becomes a list of MountOps, which mounts.cpp executes inside the new mount
// namespace. Planning needs no privileges, so tests check the policy directly.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "box/rootfs.hpp"
#include "box/spec.hpp"

namespace waybill::box {

enum class MountKind {
  Proc,      // a procfs of the box's pid namespace
  Sysfs,     // read-only
  Tmpfs,
  Devpts,    // a new devpts instance, so ptys are the box's own
  Bind,      // `source` from the host onto `target`
  Mask,      // hide `target`: /dev/null over a file, an empty read-only tmpfs over a directory
  ReadOnly,  // make `target` read-only in place
  Device,    // a character device node (bind-mounted from the host where mknod is refused)
  Symlink,   // `target` -> `link`
  Layers,    // a read-only overlay of `data` (overlayfs options: lowerdir only)
};

struct MountOp {
  MountKind kind = MountKind::Tmpfs;
  std::string target;             // absolute path inside the box
  std::filesystem::path source;   // Bind, Device: the host path
  std::string data;               // file system options, e.g. "mode=755,size=65536k"
  unsigned long flags = 0;        // MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY, ...
  bool read_only = false;         // Bind
  bool target_is_file = false;    // Bind: create a file (not a directory) when absent
  bool no_symlinks = false;       // no component of `target` may be a symlink
  bool optional = false;          // skip when `target` does not exist (masked paths)
  dev_t device = 0;               // Device
  std::string link;               // Symlink
};

// The generated files of a box: its own /etc/hosts and /etc/hostname, and with the
// host's network the host's resolv.conf.
std::vector<GeneratedFile> generated_files(const BoxSpec& spec, const std::string& host_resolv_conf,
                                           const std::string& host_hosts);

// Everything mounted inside the root, in order: the kernel file systems and their masks,
// /dev, /tmp, bind mounts of the generated files in `bound` (from dirs.generated), then
// the spec's bind mounts, parents before children.
std::vector<MountOp> plan_mounts(const BoxSpec& spec, const std::vector<GeneratedFile>& bound, const BoxDirs& dirs);

// "Bind /home/me/data -> /data (ro)": for --dry-run style listings and test messages.
std::string describe(const MountOp& op);

}  // namespace waybill::box
