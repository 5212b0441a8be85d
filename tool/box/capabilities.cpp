#include "box/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace waybill::box {

namespace {

struct Named {
  int cap;
  const char* name;
};

constexpr Named kDocker[] = {
    {CAP_CHOWN, "CAP_CHOWN"},         {CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE"},
    {CAP_FOWNER, "CAP_FOWNER"},       {CAP_FSETID, "CAP_FSETID"},
    {CAP_KILL, "CAP_KILL"},           {CAP_SETGID, "CAP_SETGID"},
    {CAP_SETUID, "CAP_SETUID"},       {CAP_SETPCAP, "CAP_SETPCAP"},
    {CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE"}, {CAP_NET_RAW, "CAP_NET_RAW"},
    {CAP_SYS_CHROOT, "CAP_SYS_CHROOT"}, {CAP_MKNOD, "CAP_MKNOD"},
    {CAP_AUDIT_WRITE, "CAP_AUDIT_WRITE"}, {CAP_SETFCAP, "CAP_SETFCAP"},
};

}  // namespace

const std::vector<int>& default_capabilities() {
  static const std::vector<int> caps = [] {
    std::vector<int> v;
    for (const auto& n : kDocker) v.push_back(n.cap);
    return v;
  }();
  return caps;
}

uint64_t capability_mask(const std::vector<int>& caps) {
  uint64_t m = 0;
  for (int c : caps) m |= uint64_t{1} << c;
  return m;
}

void drop_bounding_set(uint64_t keep) {
  for (int cap = 0; cap < 64; ++cap) {
    if (keep & (uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;  // past the kernel's last capability
      throw Error::from_errno("drop capability", std::to_string(cap), errno, ErrorKind::Environment);
    }
  }
}

void set_capabilities(uint64_t keep) {
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    throw Error::from_errno("clear", "ambient capabilities", errno, ErrorKind::Environment);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  data[0].effective = data[0].permitted = static_cast<uint32_t>(keep);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(keep >> 32);
  if (::syscall(SYS_capset, &header, data) != 0)
    throw Error::from_errno("set", "capabilities", errno, ErrorKind::Environment);
}

std::string capability_names(uint64_t mask) {
  std::string out;
  for (const auto& n : kDocker) {
    if (!(mask & (uint64_t{1} << n.cap))) continue;
    if (!out.empty()) out += ',';
    out += n.name;
  }
  return out;
}

}  // namespace waybill::box
