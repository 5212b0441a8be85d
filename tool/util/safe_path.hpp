#pragma once
// Opening a path that comes from outside (a document, a Dockerfile, a tar entry) inside
// a root directory, so that neither `..` nor a symlink can lead out of it. Uses
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel has it, and a
// component-by-component O_NOFOLLOW walk otherwise. Never a string prefix check.
#include <filesystem>
#include <string>
#include <string_view>

#include <sys/types.h>

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

// Convenience: opens the root directory itself (the empty path: the working
// directory), then the path beneath it.
BeneathResult open_beneath(const std::filesystem::path& root, std::string_view relative, int flags);

// Reads a whole file beneath a root. Throws Error(Io or Document) naming `relative`.
std::string read_file_beneath(const std::filesystem::path& root, std::string_view relative);

// A name that came from outside the process's trust (a cell's output file, a figure's
// format, a label) checked before it becomes part of a path: plain components only.
// Refused: empty names and components, `.` and `..`, absolute paths, backslashes, NUL
// and other control characters, invalid UTF-8, components over 255 bytes, names over
// `max_bytes` and more than `max_depth` components (1: no separators at all). Returns
// why it was refused, or "" when the name is fine.
std::string unsafe_name_reason(std::string_view name, size_t max_depth = 1, size_t max_bytes = 1024);

// Writes `data` to `relative` beneath the directory `root` (which must exist), making
// missing directories on the way, atomically (temporary name, then rename) and without
// following any symlink, in the path or at its end: what a cell or a document names
// can never lead outside `root`. The name is checked with unsafe_name_reason first.
// Throws Error(Io) on failure and Error(Document) for a name that is refused.
void write_file_beneath(const std::filesystem::path& root, std::string_view relative, std::string_view data,
                        mode_t mode = 0644);

}  // namespace waybill
