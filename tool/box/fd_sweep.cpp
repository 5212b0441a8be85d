#include "box/fd_sweep.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace waybill::box {

namespace {

// Calls `act` on every open descriptor >= 3 but the directory's own, read with
// getdents64 into a stack buffer.
template <class F>
bool each_open_fd(F act) {
  int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  alignas(8) char buf[4096];
  for (;;) {
    long n = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<dirent64*>(buf + off);
      off += d->d_reclen;
      if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
      int fd = std::atoi(d->d_name);
      if (fd >= 3 && fd != dir) act(fd);
    }
  }
  ::close(dir);
  return true;
}

}  // namespace

void close_fds_except(std::vector<int> keep) {
  keep.erase(std::remove_if(keep.begin(), keep.end(), [](int fd) { return fd < 3; }), keep.end());
  std::sort(keep.begin(), keep.end());
  bool ok = true;
  unsigned from = 3;
  for (int fd : keep) {
    if (static_cast<unsigned>(fd) > from) ok = ::close_range(from, static_cast<unsigned>(fd) - 1, 0) == 0 && ok;
    from = static_cast<unsigned>(fd) + 1;
  }
  ok = ::close_range(from, ~0U, 0) == 0 && ok;
  if (ok) return;
  each_open_fd([&keep](int fd) {
    if (!std::binary_search(keep.begin(), keep.end(), fd)) ::close(fd);
  });
}

void cloexec_fds_from_3() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  each_open_fd([](int fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); });
}

}  // namespace waybill::box
