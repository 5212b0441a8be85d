#pragma once
// Memory, pids and cpu limits through cgroups. Each controller is taken from cgroup v2
// when the unified hierarchy offers it and from a v1 hierarchy otherwise (hybrid
// machines have both). A limit no controller can enforce is reported, not ignored.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "box/spec.hpp"
#include "util/fs.hpp"

namespace waybill::box {

enum class CgroupVersion { V1, V2 };

// Where a controller lives: the directory under which this process may create a child
// cgroup. On v1, its own cgroup. On v2 as root, a waybill cgroup at the hierarchy's root
// (the "no processes in inner nodes" rule forbids nesting under our own). On v2 for an
// ordinary user, its own cgroup, delegated to it (systemd's user@UID.service, or a scope
// made with Delegate=yes): boxes nest there once waybill has moved itself into a leaf
// beside them (kSupervisorCgroup).
struct ControllerPlace {
  CgroupVersion version = CgroupVersion::V1;
  std::filesystem::path parent;
  std::filesystem::path v2_root;  // V2: the hierarchy's mount point, to enable controllers
  bool delegated = false;         // V2: parent is this user's own cgroup
};

// The leaf a rootless waybill moves itself into, so that its delegated cgroup holds no
// process and can pass controllers down to the boxes.
inline constexpr const char* kSupervisorCgroup = "waybill-supervisor";

// `read_controllers` returns a v2 directory's cgroup.controllers; tests pass their own.
// `rootless`: this process runs in a user namespace, so only a delegated cgroup of its
// own can hold boxes.
std::map<std::string, ControllerPlace> find_controllers(
    std::string_view mountinfo, std::string_view self_cgroup,
    const std::function<std::string(const std::filesystem::path&)>& read_controllers, bool rootless = false);

// The controllers of this machine and process, from /proc/self/mountinfo and cgroup.
std::map<std::string, ControllerPlace> find_controllers();

// One box's cgroups: created before the box starts, joined by the box's first process
// through the cgroup.procs fds (opened O_CLOEXEC, written by the child before it does
// anything else), and removed when the guard goes.
// Sends SIGKILL to every process listed in the cgroup directory `dir`.
void kill_members(const std::filesystem::path& dir);

// A limit no cgroup enforces: which ("memory", "pids", "cpu"; "swap" when memory is
// limited but swap is not) and the message saying why.
struct UnenforcedLimit {
  std::string limit;
  std::string message;
};

class CgroupGuard {
 public:
  CgroupGuard() = default;
  CgroupGuard(CgroupGuard&&) = default;
  // Swaps, so that the cgroups this guard held are removed with the moved-from one.
  CgroupGuard& operator=(CgroupGuard&& o) noexcept {
    std::swap(dirs_, o.dirs_);
    std::swap(memory_, o.memory_);
    std::swap(procs_, o.procs_);
    return *this;
  }
  ~CgroupGuard();

  // Creates `name` under each controller's place and writes the limits. Limits that
  // cannot be enforced are added to `unenforced` as messages. `before_create` hears of
  // each directory before it exists (the box's lease lists it).
  static CgroupGuard create(const Limits& limits, const std::string& name,
                            const std::map<std::string, ControllerPlace>& places,
                            std::vector<UnenforcedLimit>& unenforced,
                            const std::function<void(const std::filesystem::path&)>& before_create = {});

  // Open cgroup.procs files, one per cgroup directory, for the child to write "0" into.
  const std::vector<UniqueFd>& procs_fds() const { return procs_; }
  // Whether the kernel's OOM killer acted in the box's memory cgroup.
  bool oom_killed() const;
  bool empty() const { return dirs_.empty(); }
  // Removes the cgroups, killing anything still in them; false if some stay (then the
  // box's lease should outlive this process, for the next sweep).
  bool remove();

 private:
  struct Dir {
    std::filesystem::path path;
    CgroupVersion version;
  };
  std::vector<Dir> dirs_;
  std::optional<Dir> memory_;
  std::vector<UniqueFd> procs_;
};

// Writes the limit that `controller` enforces into the cgroup directory `dir`.
void write_limit(const std::filesystem::path& dir, CgroupVersion version, const std::string& controller,
                 const Limits& limits);

// Parses the `oom_kill N` line of memory.events (v2) or memory.oom_control (v1).
uint64_t parse_oom_kills(std::string_view text);

}  // namespace waybill::box
