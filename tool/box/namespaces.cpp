#include "box/namespaces.hpp"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::box {

unsigned long long namespace_flags(const BoxSpec& spec) {
  unsigned long long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (spec.network == Network::None) flags |= CLONE_NEWNET;
  return flags;
}

void set_hostname(const std::string& hostname) {
  if (hostname.empty()) return;
  if (::sethostname(hostname.data(), hostname.size()) != 0)
    throw Error::from_errno("set hostname", hostname, errno, ErrorKind::Environment);
}

void bring_up_loopback() {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) throw Error::from_errno("open", "a socket to configure lo", errno, ErrorKind::Environment);
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) throw Error::from_errno("read flags of", "lo", errno, ErrorKind::Environment);
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) throw Error::from_errno("bring up", "lo", errno, ErrorKind::Environment);
}

}  // namespace waybill::box
