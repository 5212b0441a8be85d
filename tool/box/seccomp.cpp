#include "box/seccomp.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::box {

std::filesystem::path seccomp_cache_path(const std::filesystem::path& cache_dir) {
  struct utsname u {};
  ::uname(&u);
  return cache_dir / "seccomp" /
         ("default-v" + std::to_string(kSeccompProfileVersion) + "-" + std::string(u.machine) + ".bpf");
}

std::string read_cached_seccomp(const std::filesystem::path& cache_dir) {
  std::string bpf = read_file_if_exists(seccomp_cache_path(cache_dir)).value_or("");
  // A program is a whole number of instructions, and the kernel takes at most 4096.
  if (bpf.empty() || bpf.size() % sizeof(sock_filter) != 0 || bpf.size() / sizeof(sock_filter) > BPF_MAXINSNS)
    return {};
  return bpf;
}

void install_seccomp(const std::string& bpf) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()));
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    throw Error::from_errno("install", "the seccomp filter", errno, ErrorKind::Environment);
}

}  // namespace waybill::box
