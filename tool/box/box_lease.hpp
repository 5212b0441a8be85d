#pragma once
// What a box leaves on the host if its waybill is killed: cgroup directories (the
// kernel keeps them after their processes die), the copy fallback's root, and the
// directories the caller made for the box (Box::owned_dirs). A box's mounts need no
// lease: they live in its private mount namespace and vanish with it.
//
// Each running box holds a lease: the file <state_dir>/leases/<box id>, locked (flock)
// by the waybill process for as long as the Box lives, listing those paths. A lock that
// can be taken means its owner is gone, so the next box to start, and `waybill image
// prune`, remove what the lease lists, then the lease. The same rule as the store's own
// locks: nobody guesses from ages or pids.
#include <filesystem>
#include <string>
#include <vector>

#include "util/fs.hpp"

namespace waybill::box {

class BoxLease {
 public:
  BoxLease() = default;
  // Creates and locks the lease of box `id` under `state_dir`.
  static BoxLease take(const std::filesystem::path& state_dir, const std::string& id);
  BoxLease(BoxLease&&) = default;
  BoxLease& operator=(BoxLease&&) = default;
  ~BoxLease();

  // Adds a path to remove if the owner dies: call before the thing exists, so that no
  // moment leaves it unlisted. Cgroup directories are removed with rmdir (after killing
  // anything still in them), other directories with everything in them.
  void add_cgroup(const std::filesystem::path& dir) { add("cgroup", dir); }
  void add_dir(const std::filesystem::path& dir) { add("dir", dir); }

  // The box is gone and has cleaned up: the lease file goes.
  void release();

 private:
  void add(const char* kind, const std::filesystem::path& path);

  std::filesystem::path path_;
  UniqueFd fd_;
  std::string content_;
};

// What sweeping found and removed.
struct SweepReport {
  size_t leases = 0, cgroups = 0, dirs = 0;
  std::vector<std::string> problems;  // what could not be removed (kept for the next sweep)
};

// Removes what the leases of dead owners under `state_dir` list. Directories are only
// removed when they lie under `state_dir`'s parent (the store's home); cgroups only when
// they lie under /sys/fs/cgroup and are named waybill-*.
SweepReport sweep_stale_boxes(const std::filesystem::path& state_dir);

}  // namespace waybill::box
