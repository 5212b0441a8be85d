#pragma once
// `-t`: the workload's terminal is a pty from the box's own devpts instance, so `tty`
// inside says /dev/pts/0 and nothing of the host's ptys is visible. The reaper opens
// it and passes the master to waybill over a unix socket; waybill puts the user's
// terminal in raw mode and relays bytes and window sizes.
#include <sys/ioctl.h>
#include <termios.h>

#include <optional>

#include "util/fs.hpp"

namespace waybill::box {

struct BoxPty {
  UniqueFd master, slave;
};

// Opens /dev/ptmx (the box's, once inside its root) and its peer.
BoxPty open_box_pty(const std::optional<winsize>& size);

void send_fd(int socket, int fd);
// The fd sent on `socket`, or an empty UniqueFd when the peer closed without one.
UniqueFd receive_fd(int socket);

std::optional<winsize> terminal_size(int fd);

// The user's terminal in raw mode, restored when this goes (also on errors).
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  ~RawTerminal();

 private:
  int fd_ = -1;
  termios saved_{};
  bool active_ = false;
};

}  // namespace waybill::box
