#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "box/frame_relay.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;

namespace {

// waybill's ends and the workload's ends of a relay, which runs in this process.
struct Channel {
  UniqueFd host_write, host_read, workload_read, workload_write;
  std::optional<FrameRelay> relay;
  std::optional<std::string> broken;

  explicit Channel(uint64_t max_frame = 1024) {
    auto [hr, hw] = make_pipe();
    auto [orr, ow] = make_pipe();
    auto [tr, tw] = make_pipe();
    auto [fr, fw] = make_pipe();
    host_write = std::move(hw);
    host_read = std::move(orr);
    workload_read = std::move(tr);
    workload_write = std::move(fw);
    ::fcntl(host_read.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(workload_read.get(), F_SETFL, O_NONBLOCK);
    relay.emplace(FrameRelay::Fds{hr.release(), ow.release(), tw.release(), fr.release()}, max_frame);
  }

  // Lets the relay move what is there.
  void pump() {
    for (int round = 0; round < 20 && relay && !broken; ++round) {
      std::vector<pollfd> fds;
      relay->poll_set(fds);
      if (fds.empty() || ::poll(fds.data(), fds.size(), 10) <= 0) return;
      for (const auto& p : fds)
        if (auto why = relay->handle(p.fd, p.revents)) broken = why;
    }
  }
  void host_sends(const std::string& s) { REQUIRE(::write(host_write.get(), s.data(), s.size()) == static_cast<ssize_t>(s.size())); pump(); }
  void workload_sends(const std::string& s) { REQUIRE(::write(workload_write.get(), s.data(), s.size()) == static_cast<ssize_t>(s.size())); pump(); }
  static std::string drain(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

}  // namespace

TEST_CASE("the relay passes a request down and its one reply up") {
  Channel c;
  c.host_sends("5\nhello");
  CHECK(Channel::drain(c.workload_read.get()) == "5\nhello");
  c.workload_sends("3\nabc");
  CHECK(Channel::drain(c.host_read.get()) == "3\nabc");
  c.host_sends("0\n");
  c.workload_sends("2\nok");
  CHECK(Channel::drain(c.host_read.get()) == "2\nok");
  CHECK_FALSE(c.broken);
}

TEST_CASE("the relay ends the box for a reply nobody asked for") {
  Channel c;
  c.workload_sends("3\nabc");
  REQUIRE(c.broken);
  CHECK(c.broken->find("no request") != std::string::npos);
  CHECK(Channel::drain(c.host_read.get()).empty());
}

TEST_CASE("the relay allows one reply per request") {
  Channel c;
  c.host_sends("1\nx");
  c.workload_sends("1\na1\nb");
  REQUIRE(c.broken);
  CHECK(Channel::drain(c.host_read.get()) == "1\na");
}

TEST_CASE("the relay refuses oversized frames and bad length lines") {
  for (std::string reply : {std::string("2000\n"), std::string("12a\nxyz"), std::string("-1\n"),
                            std::string(30, '9'), std::string("\n")}) {
    INFO(reply);
    Channel c(1024);
    c.host_sends("1\nx");
    c.workload_sends(reply);
    CHECK(c.broken);
  }
}
