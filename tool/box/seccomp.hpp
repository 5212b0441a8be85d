#pragma once
// The default seccomp profile: Docker's allowlist (about 350 system calls; everything
// else fails with EPERM), for the native architecture only (a 32-bit call kills the
// process). No mount, unshare, setns, keyctl, bpf or module loading, no new namespaces
// through clone, and clone3 answers ENOSYS so that libc falls back to clone, whose
// flags the filter can check.
//
// libseccomp compiles the profile once (in the box module, so the `waybill`
// executable does not link it); the BPF program is cached under
// $WAYBILL_HOME/cache/seccomp/ and installed from there.
#include <filesystem>
#include <string>

namespace waybill::box {

// Bumped whenever the profile changes, which renames the cache file.
inline constexpr int kSeccompProfileVersion = 4;

// cache/seccomp/default-v<version>-<machine>.bpf
std::filesystem::path seccomp_cache_path(const std::filesystem::path& cache_dir);

// The cached program, or an empty string when it is absent or malformed.
std::string read_cached_seccomp(const std::filesystem::path& cache_dir);

// Installs a BPF program (struct sock_filter[]) for this thread. The caller has set
// no_new_privs. Throws Error(Environment) if the kernel refuses it.
void install_seccomp(const std::string& bpf);

// Compiles the default profile with libseccomp into a BPF program (seccomp_profile.cpp,
// linked only into the engine module).
std::string compile_default_seccomp();

// Compiles and caches the program unless the cache already has it; returns it.
std::string ensure_seccomp_cache(const std::filesystem::path& cache_dir);

}  // namespace waybill::box
