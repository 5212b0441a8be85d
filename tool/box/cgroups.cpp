#include "box/cgroups.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <thread>

#include "util/error.hpp"
#include "util/user_namespace.hpp"
#include "util/strings.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

constexpr const char* kControllers[] = {"memory", "pids", "cpu"};
constexpr uint64_t kCpuPeriodUs = 100000;

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t k = 1; k <= 3; ++k) {
        if (s[i + k] < '0' || s[i + k] > '7') ok = false;
        else v = v * 8 + (s[i + k] - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool has_word(std::string_view list, std::string_view word, char sep) {
  for (auto w : split(list, sep))
    if (w == word) return true;
  return false;
}

struct CgroupMount {
  bool v2 = false;
  std::string root, mount_point, options;
};

std::vector<CgroupMount> cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (auto line : split(mountinfo, '\n')) {
    std::vector<std::string_view> f;
    for (auto w : split(line, ' '))
      if (!w.empty()) f.push_back(w);
    size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash < 5 || dash + 3 > f.size()) continue;
    std::string_view fstype = f[dash + 1];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    out.push_back({fstype == "cgroup2", unescape(f[3]), unescape(f[4]), std::string(f[dash + 3])});
  }
  return out;
}

// The path of our cgroup in the hierarchy that has `controller` (v1), or the v2 path.
std::optional<std::string> own_path(std::string_view self_cgroup, std::string_view controller, bool v2) {
  for (auto line : split(self_cgroup, '\n')) {
    size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos) continue;
    std::string_view list = line.substr(a + 1, b - a - 1);
    if (v2 ? (line.substr(0, a) == "0" && list.empty()) : has_word(list, controller, ','))
      return std::string(line.substr(b + 1));
  }
  return std::nullopt;
}

fs::path under_mount(const CgroupMount& m, const std::string& path) {
  std::string rel = path;
  if (m.root != "/" && rel.starts_with(m.root)) rel = rel.substr(m.root.size());
  fs::path sub = fs::path(rel).relative_path();
  return sub.empty() ? fs::path(m.mount_point) : fs::path(m.mount_point) / sub;
}

void write_value(const fs::path& file, const std::string& value) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    throw Error::from_errno("write " + value + " to", file.string(), errno, ErrorKind::Environment);
}

void enable_v2_controller(const fs::path& dir, const std::string& controller) {
  // Already enabled, or enabled by someone else meanwhile, is fine.
  auto current = read_file_if_exists(dir / "cgroup.subtree_control");
  if (current && has_word(trim(*current), controller, ' ')) return;
  write_value(dir / "cgroup.subtree_control", "+" + controller);
}

// A delegated cgroup passes a controller down only while it holds no process itself, so
// waybill first moves itself (with its threads) into a leaf beside the boxes. When other
// processes share the cgroup (a login shell), the kernel refuses, and the error says how
// to give waybill a cgroup of its own.
void enable_in_delegated(const fs::path& dir, const std::string& controller) {
  try {
    enable_v2_controller(dir, controller);
    return;
  } catch (const Error&) {
    // EBUSY, most likely: waybill itself is in `dir`.
  }
  fs::path leaf = dir / kSupervisorCgroup;
  if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST)
    throw Error::from_errno("create cgroup", leaf.string(), errno, ErrorKind::Environment);
  write_value(leaf / "cgroup.procs", "0");
  // The user namespace's holder (util/user_namespace.cpp) was born here too.
  for (auto pid : split(read_file_if_exists(dir / "cgroup.procs").value_or(""), '\n')) {
    if (pid.empty() || trim(read_file_if_exists("/proc/" + std::string(pid) + "/comm").value_or("")) != kUserNamespaceHolder)
      continue;
    try {
      write_value(leaf / "cgroup.procs", std::string(pid));
    } catch (const Error&) {
    }
  }
  try {
    enable_v2_controller(dir, controller);
  } catch (const Error& e) {
    throw Error(ErrorKind::Environment, e.message() + " (other processes share waybill's cgroup)", {},
                "start waybill in a cgroup of its own: systemd-run --user --scope -p Delegate=yes waybill ...");
  }
}

bool requested(const Limits& limits, const std::string& controller) {
  return (controller == "memory" && limits.memory_bytes) || (controller == "pids" && limits.pids) ||
         (controller == "cpu" && limits.cpus);
}

bool swap_limited(const fs::path& dir, CgroupVersion v) {
  return fs::exists(dir / (v == CgroupVersion::V2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes"));
}

// Whether the machine has swap at all: /proc/swaps lists more than its header.
bool swap_in_use() {
  std::string swaps = read_file_if_exists("/proc/swaps").value_or("");
  return split_lines(swaps).size() > 1;
}

const char* flag_of(const std::string& controller) {
  return controller == "memory" ? "--memory" : controller == "pids" ? "--pids" : "--cpus";
}

}  // namespace

std::map<std::string, ControllerPlace> find_controllers(
    std::string_view mountinfo, std::string_view self_cgroup,
    const std::function<std::string(const fs::path&)>& read_controllers, bool rootless) {
  std::map<std::string, ControllerPlace> places;
  std::vector<CgroupMount> mounts = cgroup_mounts(mountinfo);
  for (const auto& m : mounts) {
    if (!m.v2) continue;
    fs::path parent = fs::path(m.mount_point) / "waybill", root = m.mount_point;
    if (rootless) {
      // Our own cgroup, or the one above the leaf an earlier waybill moved into.
      std::string own = own_path(self_cgroup, "", true).value_or("/");
      if (fs::path(own).filename() == kSupervisorCgroup) own = fs::path(own).parent_path().string();
      if (own == "/") continue;  // the hierarchy's root is never delegated to a user
      parent = root = under_mount(m, own);
    }
    std::string available = read_controllers(root / "cgroup.controllers");
    for (const char* c : kControllers) {
      if (places.count(c) || !has_word(trim(available), c, ' ')) continue;
      places[c] = ControllerPlace{CgroupVersion::V2, parent, root, rootless};
    }
  }
  for (const auto& m : mounts) {
    if (m.v2) continue;
    for (const char* c : kControllers) {
      if (places.count(c) || !has_word(m.options, c, ',')) continue;
      auto own = own_path(self_cgroup, c, false);
      places[c] = ControllerPlace{CgroupVersion::V1, under_mount(m, own.value_or("/")), {}};
    }
  }
  return places;
}

std::map<std::string, ControllerPlace> find_controllers() {
  std::string mountinfo = read_file_if_exists("/proc/self/mountinfo").value_or("");
  std::string self = read_file_if_exists("/proc/self/cgroup").value_or("");
  return find_controllers(
      mountinfo, self, [](const fs::path& p) { return read_file_if_exists(p).value_or(""); }, in_user_namespace());
}

CgroupGuard CgroupGuard::create(const Limits& limits, const std::string& name,
                                const std::map<std::string, ControllerPlace>& places,
                                std::vector<UnenforcedLimit>& unenforced,
                                const std::function<void(const fs::path&)>& before_create) {
  CgroupGuard guard;
  for (const char* c : kControllers) {
    std::string controller = c;
    if (!requested(limits, controller)) continue;
    auto it = places.find(controller);
    if (it == places.end()) {
      unenforced.push_back({controller, std::string(flag_of(controller)) + " is not enforced: no cgroup " + controller +
                                            " controller is available (neither cgroup v2 nor v1)"});
      continue;
    }
    const ControllerPlace& place = it->second;
    fs::path dir = place.parent / name;
    try {
      bool known = false;
      for (const auto& d : guard.dirs_) known = known || d.path == dir;
      if (!known) {
        if (place.delegated) {
          enable_in_delegated(place.parent, controller);
        } else if (place.version == CgroupVersion::V2) {
          enable_v2_controller(place.v2_root, controller);
          if (::mkdir(place.parent.c_str(), 0755) != 0 && errno != EEXIST)
            throw Error::from_errno("create cgroup", place.parent.string(), errno, ErrorKind::Environment);
          enable_v2_controller(place.parent, controller);
        }
        if (before_create) before_create(dir);
        // The message names the parent, not the box: it reads the same for every box, so
        // that warnings about it can be given once.
        if (::mkdir(dir.c_str(), 0755) != 0)
          throw Error::from_errno("create a cgroup in", place.parent.string(), errno, ErrorKind::Environment);
        guard.dirs_.push_back({dir, place.version});
        UniqueFd procs(::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
        if (!procs) throw Error::from_errno("open", (dir / "cgroup.procs").string(), errno, ErrorKind::Environment);
        guard.procs_.push_back(std::move(procs));
      } else if (place.delegated) {
        enable_in_delegated(place.parent, controller);
      } else if (place.version == CgroupVersion::V2) {
        enable_v2_controller(place.v2_root, controller);
        enable_v2_controller(place.parent, controller);
      }
      write_limit(dir, place.version, controller, limits);
      if (controller == "memory") {
        guard.memory_ = Dir{dir, place.version};
        if (!swap_limited(dir, place.version) && swap_in_use())
          unenforced.push_back({"swap", "--memory is enforced, but swap is not limited (this kernel keeps no swap "
                                        "accounting): the box may swap past its limit instead of running out of memory"});
      }
    } catch (const Error& e) {
      unenforced.push_back({controller, std::string(flag_of(controller)) + " is not enforced: " + e.message()});
    }
  }
  return guard;
}

bool CgroupGuard::oom_killed() const {
  if (!memory_) return false;
  const char* file = memory_->version == CgroupVersion::V2 ? "memory.events" : "memory.oom_control";
  return parse_oom_kills(read_file_if_exists(memory_->path / file).value_or("")) > 0;
}

bool CgroupGuard::remove() {
  procs_.clear();
  memory_.reset();
  // The box's processes are dead, but the kernel may still be detaching them: rmdir
  // says EBUSY until it has. Anything still listed is killed (a process that slipped
  // out of the box's pid namespace). Children first (a v1 cpu,cpuacct pair shares one dir).
  bool removed = true;
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    bool gone = false;
    for (int attempt = 0; attempt < 300 && !gone; ++attempt) {
      if (::rmdir(it->path.c_str()) == 0 || errno == ENOENT) gone = true;
      else if (errno != EBUSY) break;
      else {
        if (attempt >= 20) kill_members(it->path);
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 20 ? 1 : 10));
      }
    }
    removed = removed && gone;
  }
  dirs_.clear();
  return removed;
}

CgroupGuard::~CgroupGuard() { remove(); }

void kill_members(const fs::path& dir) {
  std::string procs = read_file_if_exists(dir / "cgroup.procs").value_or("");
  for (auto line : split(procs, '\n'))
    if (int pid = std::atoi(std::string(line).c_str()); pid > 1) ::kill(pid, SIGKILL);
}

void write_limit(const fs::path& dir, CgroupVersion v, const std::string& controller, const Limits& limits) {
  if (controller == "memory") {
    std::string bytes = std::to_string(*limits.memory_bytes);
    if (v == CgroupVersion::V2) {
      write_value(dir / "memory.max", bytes);
      if (fs::exists(dir / "memory.swap.max")) write_value(dir / "memory.swap.max", "0");
    } else {
      write_value(dir / "memory.limit_in_bytes", bytes);
      // memory+swap equal to memory: the box may not use swap to go past its limit.
      if (fs::exists(dir / "memory.memsw.limit_in_bytes")) write_value(dir / "memory.memsw.limit_in_bytes", bytes);
    }
  } else if (controller == "pids") {
    write_value(dir / "pids.max", std::to_string(*limits.pids));
  } else if (controller == "cpu") {
    auto quota = static_cast<uint64_t>(std::llround(*limits.cpus * static_cast<double>(kCpuPeriodUs)));
    if (quota < 1000) quota = 1000;  // the kernel's minimum
    if (v == CgroupVersion::V2) {
      write_value(dir / "cpu.max", std::to_string(quota) + " " + std::to_string(kCpuPeriodUs));
    } else {
      write_value(dir / "cpu.cfs_period_us", std::to_string(kCpuPeriodUs));
      write_value(dir / "cpu.cfs_quota_us", std::to_string(quota));
    }
  }
}

uint64_t parse_oom_kills(std::string_view text) {
  for (auto line : split(text, '\n')) {
    line = trim(line);
    if (line.starts_with("oom_kill ")) return std::strtoull(std::string(line.substr(9)).c_str(), nullptr, 10);
  }
  return 0;
}

}  // namespace waybill::box
