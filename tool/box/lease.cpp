#include "box/lease.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "box/box.hpp"
#include "box/cgroups.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/strings.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNewPrefix = ".new-";

bool lexically_under(const fs::path& path, const fs::path& root) {
  if (!path.is_absolute()) return false;
  fs::path rel = path.lexically_normal().lexically_relative(root.lexically_normal());
  if (rel.empty() || rel == ".") return false;
  for (const auto& part : rel)
    if (part == "..") return false;
  return true;
}

// Kills what is left in a dead box's cgroup, then removes it; the kernel may take a
// moment to let go of the processes.
bool remove_cgroup(const fs::path& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY) return false;
    kill_members(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void sweep_one(const fs::path& lease, const fs::path& home, SweepReport& report) {
  UniqueFd fd(::open(lease.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
  if (!fd || !try_lock_exclusive(fd.get())) return;  // its box is alive
  bool clean = true;
  std::string content = read_fd(fd.get(), lease.string());
  for (auto line : split(content, '\n')) {
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    std::string_view kind = line.substr(0, sp);
    fs::path path(std::string(line.substr(sp + 1)));
    std::error_code ec;
    if (kind == "cgroup" && lexically_under(path, "/sys/fs/cgroup") &&
        path.filename().string().starts_with("waybill-")) {
      if (!fs::exists(path, ec)) continue;
      if (remove_cgroup(path)) ++report.cgroups;
      else clean = false, report.problems.push_back("cgroup " + path.string() + " could not be removed");
    } else if (kind == "dir" && lexically_under(path, home)) {
      if (!fs::exists(fs::symlink_status(path, ec))) continue;
      fs::remove_all(path, ec);  // does not follow links
      if (!ec) ++report.dirs;
      else clean = false, report.problems.push_back(path.string() + ": " + ec.message());
    }
  }
  if (!clean) return;  // kept, and tried again by the next sweep
  ::unlink(lease.c_str());
  ++report.leases;
}

}  // namespace

Lease Lease::take(const fs::path& state_dir, const std::string& name) {
  std::string id = name + "-" + new_box_id();
  fs::path dir = state_dir / "leases";
  make_dirs(dir);
  // Locked under a name sweeps pass over unless its lock is free, then renamed into
  // place: a sweep never sees an unlocked lease of a live box. A sweep may take the new
  // file in the instant between its creation and its lock; then it is made again.
  fs::path fresh = dir / (kNewPrefix + id);
  for (int attempt = 0;; ++attempt) {
    Lease lease;
    lease.fd_.reset(::open(fresh.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lease.fd_) throw Error::from_errno("create", fresh.string(), errno, ErrorKind::Io);
    if (try_lock_exclusive(lease.fd_.get()) && ::rename(fresh.c_str(), (dir / id).c_str()) == 0) {
      lease.path_ = dir / id;
      return lease;
    }
    int err = errno;
    ::unlink(fresh.c_str());
    if (attempt == 2) throw Error::from_errno("lock", fresh.string(), err, ErrorKind::Io);
  }
}

void Lease::add(const char* kind, const fs::path& path) {
  if (!fd_ || path.string().find('\n') != std::string::npos) return;
  content_ += std::string(kind) + " " + path.string() + "\n";
  // Rewritten whole each time: a few short lines.
  if (::pwrite(fd_.get(), content_.data(), content_.size(), 0) != static_cast<ssize_t>(content_.size()))
    throw Error::from_errno("write", path_.string(), errno, ErrorKind::Io);
}

void Lease::release() {
  if (!fd_) return;
  ::unlink(path_.c_str());
  fd_.reset();
}

Lease::~Lease() { release(); }

SweepReport sweep_stale_leases(const fs::path& state_dir) {
  SweepReport report;
  std::error_code ec;
  fs::path home = state_dir.parent_path();
  for (const auto& e : fs::directory_iterator(state_dir / "leases", ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(kNewPrefix)) {
      // Its owner died before renaming it, so it lists nothing; only its lock matters.
      UniqueFd fd(::open(e.path().c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
      if (fd && try_lock_exclusive(fd.get())) ::unlink(e.path().c_str());
      continue;
    }
    sweep_one(e.path(), home, report);
  }
  return report;
}

}  // namespace waybill::box
