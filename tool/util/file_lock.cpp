#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "util/error.hpp"

namespace waybill {

namespace {
UniqueFd open_lock_file(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw Error::from_errno("open lock file", path.string(), errno);
  return fd;
}
int flock_op(FileLock::Mode mode) { return mode == FileLock::Mode::Shared ? LOCK_SH : LOCK_EX; }
}  // namespace

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
  while (::flock(fd_.get(), flock_op(mode)) != 0) {
    if (errno != EINTR) throw Error::from_errno("lock", path.string(), errno);
  }
}

FileLock FileLock::try_lock(const std::filesystem::path& path, Mode mode) {
  FileLock lock;
  UniqueFd fd = open_lock_file(path);
  if (::flock(fd.get(), flock_op(mode) | LOCK_NB) == 0) lock.fd_ = std::move(fd);
  else if (errno != EWOULDBLOCK) throw Error::from_errno("lock", path.string(), errno);
  return lock;
}

}  // namespace waybill
