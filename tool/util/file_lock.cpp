#include "util/file_lock.hpp"

#include <fcntl.h>

#include <cerrno>

#include "util/error.hpp"

namespace waybill {

namespace {

UniqueFd open_lock_file(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw Error::from_errno("open lock file", path.string(), errno);
  return fd;
}

// An open file description lock on the whole file: like flock, it belongs to the open
// file (shared with forked children, gone when the last fd closes), and unlike flock it
// is a POSIX byte-range lock to the kernel, which network file systems carry between
// machines (NFS through its lock manager), so a store on a cluster's shared file system
// is locked for every node.
int lock_file(int fd, FileLock::Mode mode, bool wait) {
  struct flock range {};
  range.l_type = mode == FileLock::Mode::Shared ? F_RDLCK : F_WRLCK;
  range.l_whence = SEEK_SET;
  range.l_start = 0;
  range.l_len = 0;  // to the end, however far it grows
  return ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &range);
}

}  // namespace

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
  while (lock_file(fd_.get(), mode, true) != 0) {
    if (errno != EINTR) throw Error::from_errno("lock", path.string(), errno);
  }
}

FileLock FileLock::try_lock(const std::filesystem::path& path, Mode mode) {
  FileLock lock;
  UniqueFd fd = open_lock_file(path);
  if (lock_file(fd.get(), mode, false) == 0) lock.fd_ = std::move(fd);
  else if (errno != EAGAIN && errno != EACCES) throw Error::from_errno("lock", path.string(), errno);
  return lock;
}

bool try_lock_exclusive(int fd) { return lock_file(fd, FileLock::Mode::Exclusive, false) == 0; }

}  // namespace waybill
