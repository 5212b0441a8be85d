#pragma once
// Executes a mount plan inside a new mount namespace, then enters the root. Every target
// is opened inside the root first (openat2 RESOLVE_IN_ROOT) and mounted through its fd,
// so neither a symlink in the image nor one swapped in later can move a mount outside.
#include <string>
#include <vector>

#include "box/mount_plan.hpp"
#include "util/fs.hpp"

namespace waybill::box {

// Makes every mount in this namespace private, so nothing the box mounts propagates to
// the host (and nothing the host mounts later appears in the box).
void make_mounts_private();

enum class TargetType { Directory, File };

// Opens `target` inside the root as an O_PATH fd, creating missing directories (and the
// final file, for TargetType::File) the way Docker creates mount points.
UniqueFd open_target(int root_fd, const std::string& target, TargetType type, bool no_symlinks);

void apply_mounts(int root_fd, const std::vector<MountOp>& ops);

// pivot_root into `root_fd`, then detach the old root: afterwards the host's file
// systems are unreachable from this mount namespace.
void enter_root(int root_fd);

// "/proc/self/fd/N", the path through which a mount call reaches an fd's file.
std::string fd_path(int fd);

}  // namespace waybill::box
