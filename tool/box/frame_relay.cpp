#include "box/frame_relay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/units.hpp"

namespace waybill::box {

namespace {

constexpr size_t kMaxHeader = 20;          // digits of a length
constexpr size_t kMaxPending = 1u << 20;   // requests buffered before reading waybill pauses

// Parses one header line; nullopt unless it is 1 to 20 digits.
std::optional<uint64_t> frame_length(const std::string& header) {
  if (header.empty() || header.size() > kMaxHeader) return std::nullopt;
  uint64_t n = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FrameRelay::FrameRelay(Fds fds, uint64_t max_frame)
    : host_in_(fds.host_in), host_out_(fds.host_out), to_workload_(fds.to_workload),
      from_workload_(fds.from_workload), max_frame_(max_frame) {
  // The workload may stop reading; PID 1 must still see signals and replies meanwhile.
  if (to_workload_) ::fcntl(to_workload_.get(), F_SETFL, ::fcntl(to_workload_.get(), F_GETFL) | O_NONBLOCK);
}

void FrameRelay::poll_set(std::vector<pollfd>& fds) const {
  if (host_in_ && down_.size() < kMaxPending) fds.push_back({host_in_.get(), POLLIN, 0});
  if (to_workload_ && !down_.empty()) fds.push_back({to_workload_.get(), POLLOUT, 0});
  if (from_workload_) fds.push_back({from_workload_.get(), POLLIN, 0});
}

std::optional<std::string> FrameRelay::handle(int fd, short revents) {
  if (!revents) return std::nullopt;
  if (host_in_ && fd == host_in_.get()) read_host();
  else if (to_workload_ && fd == to_workload_.get()) write_workload();
  else if (from_workload_ && fd == from_workload_.get()) return read_workload();
  return std::nullopt;
}

void FrameRelay::read_host() {
  char buf[1 << 16];
  ssize_t n = ::read(host_in_.get(), buf, sizeof buf);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) {
    // waybill closed the session: the workload sees end of file once the rest is down.
    host_in_.reset();
    if (down_.empty()) to_workload_.reset();
    return;
  }
  // Requests come from waybill and are trusted; they are parsed only to count them.
  for (ssize_t i = 0; i < n;) {
    FrameCursor& c = requests_;
    if (c.in_body) {
      uint64_t take = std::min<uint64_t>(c.body_left, static_cast<uint64_t>(n - i));
      c.body_left -= take;
      i += static_cast<ssize_t>(take);
      if (c.body_left == 0) c.in_body = false;
      continue;
    }
    char ch = buf[i++];
    if (ch != '\n') {
      c.header += ch;
      continue;
    }
    c.body_left = frame_length(c.header).value_or(0);
    c.header.clear();
    c.in_body = c.body_left > 0;
    ++outstanding_;
  }
  down_.append(buf, static_cast<size_t>(n));
  write_workload();
}

void FrameRelay::write_workload() {
  while (!down_.empty() && to_workload_) {
    ssize_t n = ::write(to_workload_.get(), down_.data(), down_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      // The workload closed its input: what it was sent is lost, and it will say so
      // by exiting.
      down_.clear();
      to_workload_.reset();
      return;
    }
    down_.erase(0, static_cast<size_t>(n));
  }
  if (down_.empty() && !host_in_) to_workload_.reset();
}

std::optional<std::string> FrameRelay::read_workload() {
  char buf[1 << 16];
  ssize_t n = ::read(from_workload_.get(), buf, sizeof buf);
  if (n < 0 && errno == EINTR) return std::nullopt;
  if (n <= 0) {
    from_workload_.reset();
    host_out_.reset();  // waybill sees the end of the session's replies
    return std::nullopt;
  }
  return pass_up(buf, static_cast<size_t>(n));
}

std::optional<std::string> FrameRelay::pass_up(const char* data, size_t size) {
  FrameCursor& c = replies_;
  for (size_t i = 0; i < size;) {
    if (c.in_body) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(c.body_left, size - i));
      if (host_out_ && !write_all(host_out_.get(), data + i, take)) host_out_.reset();
      c.body_left -= take;
      i += take;
      if (c.body_left == 0) c.in_body = false;
      continue;
    }
    char ch = data[i++];
    if (ch != '\n') {
      c.header += ch;
      if (c.header.size() > kMaxHeader) return violation("it sent a reply without a valid length line");
      continue;
    }
    std::optional<uint64_t> length = frame_length(c.header);
    if (!length) return violation("it sent a reply without a valid length line");
    if (outstanding_ == 0) return violation("it sent a reply to no request (code in the cell wrote to the channel)");
    if (*length > max_frame_)
      return violation("it sent a reply of " + format_binary_size(*length) + ", over the " +
                       format_binary_size(max_frame_) + " a reply may have");
    --outstanding_;
    std::string line = c.header + "\n";
    if (host_out_ && !write_all(host_out_.get(), line.data(), line.size())) host_out_.reset();
    c.header.clear();
    c.body_left = *length;
    c.in_body = *length > 0;
  }
  return std::nullopt;
}

std::optional<std::string> FrameRelay::violation(std::string why) {
  host_in_.reset();
  host_out_.reset();
  to_workload_.reset();
  from_workload_.reset();
  down_.clear();
  return why;
}

}  // namespace waybill::box
