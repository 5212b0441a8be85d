#include "box/pty.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace waybill::box {

BoxPty open_box_pty(const std::optional<winsize>& size) {
  BoxPty p;
  p.master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.master) throw Error::from_errno("open", "/dev/ptmx", errno, ErrorKind::Environment);
  int unlock = 0;
  if (::ioctl(p.master.get(), TIOCSPTLCK, &unlock) != 0) throw Error::from_errno("unlock", "the pty", errno, ErrorKind::Environment);
  // TIOCGPTPEER opens the peer through the master itself: no path lookup to race.
  p.slave.reset(::ioctl(p.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.slave) throw Error::from_errno("open", "the pty's peer", errno, ErrorKind::Environment);
  if (size) ::ioctl(p.master.get(), TIOCSWINSZ, &*size);
  return p;
}

namespace {

// One byte of data carrying one fd as SCM_RIGHTS ancillary data.
struct FdMessage {
  char byte = 'f';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;
};

}  // namespace

void send_fd(int socket, int fd) {
  FdMessage m;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (::sendmsg(socket, &m.msg, MSG_NOSIGNAL) != 1) throw Error::from_errno("send", "the pty", errno, ErrorKind::Environment);
}

UniqueFd receive_fd(int socket) {
  FdMessage m;
  ssize_t n;
  do {
    n = ::recvmsg(socket, &m.msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return UniqueFd();
  for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg); c; c = CMSG_NXTHDR(&m.msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return UniqueFd(fd);
    }
  }
  return UniqueFd();
}

std::optional<winsize> terminal_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return std::nullopt;
  return ws;
}

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd, TCSANOW, &raw) == 0) active_ = true;
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

}  // namespace waybill::box
