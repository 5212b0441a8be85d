#include <catch2/catch.hpp>

#include <linux/filter.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "box/seccomp.hpp"
#include "unit/skip.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;

namespace {

// Runs `body` in a child under the default profile and returns its exit code.
template <class F>
int under_profile(const std::string& bpf, F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(100);
    try {
      install_seccomp(bpf);
    } catch (...) {
      ::_exit(101);
    }
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("the default profile compiles to a BPF program the kernel accepts") {
  std::string bpf = compile_default_seccomp();
  REQUIRE(!bpf.empty());
  CHECK(bpf.size() % sizeof(sock_filter) == 0);
  CHECK(bpf.size() / sizeof(sock_filter) <= BPF_MAXINSNS);
  CHECK(under_profile(bpf, [] { return ::getpid() > 0 ? 0 : 1; }) == 0);
}

TEST_CASE("the profile refuses unshare, mount, keyctl and namespaces through clone") {
  std::string bpf = compile_default_seccomp();
  auto eperm = [](long rc) { return rc == -1 && errno == EPERM ? 0 : 1; };
  CHECK(under_profile(bpf, [&] { return eperm(::unshare(CLONE_NEWUSER)); }) == 0);
  CHECK(under_profile(bpf, [&] { return eperm(::syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, nullptr)); }) == 0);
  CHECK(under_profile(bpf, [&] { return eperm(::syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0)); }) == 0);
  CHECK(under_profile(bpf, [&] { return eperm(::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)); }) == 0);
  // clone3 says ENOSYS, so that libc falls back to clone, whose flags the filter sees.
  CHECK(under_profile(bpf, [] { return ::syscall(SYS_clone3, nullptr, 0) == -1 && errno == ENOSYS ? 0 : 1; }) == 0);
  // Without the filter, unprivileged keyctl works (where the machine allows it at all):
  // the refusal above is the profile's.
  if (::syscall(SYS_keyctl, 0, -3, 0) < 0 && errno != EPERM && errno != ENOSYS) FAIL("keyctl failed without the filter");
}

#if defined(__x86_64__)
namespace {

// getpid through the 32-bit entry (int 0x80, where getpid is 20).
int getpid_32() {
  long rc;
  asm volatile("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
  return rc > 0 ? 0 : 1;
}

// Whether this kernel has the 32-bit entry at all: without IA32 emulation (a build
// option, and ia32_emulation=0 on the command line), int 0x80 faults with SIGSEGV.
bool kernel_has_ia32_entry() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(getpid_32());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("the profile kills 32-bit system calls") {
  if (!kernel_has_ia32_entry())
    test::skip_test("this kernel has no 32-bit system call entry (no IA32 emulation), so there is nothing to refuse");
  CHECK(under_profile(compile_default_seccomp(), getpid_32) == 200 + SIGSYS);
}
#endif

TEST_CASE("the compiled program is cached, and a damaged cache is ignored") {
  TempDir cache;
  CHECK(read_cached_seccomp(cache.path()).empty());
  std::string bpf = ensure_seccomp_cache(cache.path());
  CHECK(read_cached_seccomp(cache.path()) == bpf);
  write_file_atomic(seccomp_cache_path(cache.path()), "odd length");
  CHECK(read_cached_seccomp(cache.path()).empty());
}
