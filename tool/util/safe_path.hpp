#pragma once
// Opening a path that comes from outside (a document, a Dockerfile, a tar entry) inside
// a root directory, so that neither `..` nor a symlink can lead out of it. Uses
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel has it, and a
// component-by-component O_NOFOLLOW walk otherwise. Never a string prefix check.
#include <filesystem>
#include <string>
#include <string_view>

#include "util/fs.hpp"

namespace waybill {

enum class BeneathError {
  None,
  Escapes,   // the path leads out of the root (`..`, an absolute path, a symlink)
  Missing,   // a component does not exist
  Other,     // any other errno
};

struct BeneathResult {
  UniqueFd fd;
  BeneathError error = BeneathError::None;
  int err = 0;  // errno for Other
};

// Opens `relative` (with `flags`, O_CLOEXEC added) beneath the directory `root_fd`.
BeneathResult open_beneath(int root_fd, std::string_view relative, int flags);

// Opens `path` as if `root_fd` were the root directory (openat2 RESOLVE_IN_ROOT): `..`
// and absolute symlinks stay inside it, as they would for a process chrooted there.
// Magic links (/proc/self/fd/N) are refused; with `no_symlinks`, every symlink is.
// Where openat2 is missing, falls back to the stricter walk that refuses all symlinks.
BeneathResult open_in_root(int root_fd, std::string_view path, int flags, bool no_symlinks = false);

// Convenience: opens the root directory itself, then the path beneath it.
BeneathResult open_beneath(const std::filesystem::path& root, std::string_view relative, int flags);

// Reads a whole file beneath a root. Throws Error(Io or Document) naming `relative`.
std::string read_file_beneath(const std::filesystem::path& root, std::string_view relative);

}  // namespace waybill
