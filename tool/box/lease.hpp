#pragma once
// What a waybill process leaves on the host if it is killed: a box's cgroup directories
// (the kernel keeps them after their processes die) and the copy fallback's root, a
// render's or a build step's scratch directory. A box's mounts need no lease: they live
// in its private mount namespace and vanish with it.
//
// Whoever makes such things first takes a lease: the file <state_dir>/leases/<name>,
// locked (util/file_lock.hpp) for as long as they live, listing them. A lock that can be taken means
// its owner is gone, so the next box to start, and `waybill image prune`, remove what
// the lease lists, then the lease. The same rule as the store's own locks: nobody
// guesses from ages or pids.
#include <filesystem>
#include <string>
#include <vector>

#include "util/fs.hpp"

namespace waybill::box {

class Lease {
 public:
  Lease() = default;
  // Creates and locks a lease under `state_dir`, named `name` plus a random suffix.
  static Lease take(const std::filesystem::path& state_dir, const std::string& name);
  Lease(Lease&&) = default;
  Lease& operator=(Lease&&) = default;
  ~Lease();

  // Adds a path to remove if the owner dies: call before the thing exists, or the
  // instant after, so that no moment leaves it unlisted. Cgroup directories are removed with rmdir (after killing
  // anything still in them), other directories with everything in them.
  void add_cgroup(const std::filesystem::path& dir) { add("cgroup", dir); }
  void add_dir(const std::filesystem::path& dir) { add("dir", dir); }

  // The owner has cleaned up: the lease file goes.
  void release();
  // The owner could not clean up: the lease stays, unlocked, for the next sweep.
  void hand_over() { fd_.reset(); }

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
SweepReport sweep_stale_leases(const std::filesystem::path& state_dir);

}  // namespace waybill::box
