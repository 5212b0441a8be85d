#pragma once
// Advisory whole-file locks (open file description locks, fcntl) that several waybill
// processes, on one machine or on the nodes of a cluster, use to share one
// store safely. The lock is released when the FileLock is destroyed or the process dies.
#include <filesystem>

#include "util/fs.hpp"

namespace waybill {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };

  // Creates the lock file if needed and waits for the lock.
  FileLock(const std::filesystem::path& path, Mode mode);
  // Returns an unlocked FileLock (operator bool false) when the lock is busy.
  static FileLock try_lock(const std::filesystem::path& path, Mode mode);

  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;
  explicit operator bool() const { return static_cast<bool>(fd_); }

 private:
  FileLock() = default;
  UniqueFd fd_;
};

// Takes an exclusive lock of the same kind on an fd already open for writing, without
// waiting: false when another holds it (leases of boxes use it on files they own).
bool try_lock_exclusive(int fd);

}  // namespace waybill
