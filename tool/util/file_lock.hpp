#pragma once
// Advisory whole-file locks (flock) that several waybill processes use to share one
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

}  // namespace waybill
