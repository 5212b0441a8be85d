#pragma once
// Files and file descriptors with one owner each. Every output is written to a
// temporary name in its final directory and renamed into place, so a killed run never
// leaves a half-written file (ARCHITECTURE.md, "Conventions").
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace waybill {

namespace fs = std::filesystem;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A pipe, both ends O_CLOEXEC: {read end, write end}. Throws Error(Environment).
std::pair<UniqueFd, UniqueFd> make_pipe();

// Reads a whole file. Throws Error(Io) naming the file and errno.
std::string read_file(const fs::path& path);
// Reads everything from an open file; `name` is for messages.
std::string read_fd(int fd, const std::string& name);
// As read_file, but an absent file gives nullopt instead of an error.
std::optional<std::string> read_file_if_exists(const fs::path& path);

// Writes `data` to a temporary file beside `path`, then renames it over `path`.
// With `durable`, the data is fsync'ed before the rename.
void write_file_atomic(const fs::path& path, std::string_view data, mode_t mode = 0644,
                       bool durable = false);

// As above, for data given in pieces (a page template around a large body, without
// first joining them into one string).
void write_file_atomic(const fs::path& path, const std::vector<std::string_view>& pieces, mode_t mode = 0644,
                       bool durable = false);

// Copies a regular file atomically (same temporary-then-rename rule).
void copy_file_atomic(const fs::path& from, const fs::path& to);

// Creates the directory and its parents; throws Error(Io) on failure.
void make_dirs(const fs::path& dir);

// A directory removed, with everything in it, when the owner goes out of scope.
class TempDir {
 public:
  // Creates `<parent>/<prefix>XXXXXX`; parent defaults to $TMPDIR or /tmp.
  explicit TempDir(std::string_view prefix = "waybill-", const fs::path& parent = {});
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const fs::path& path() const { return path_; }
  // Keep the directory (for debugging a failed run).
  void keep() { keep_ = true; }

 private:
  fs::path path_;
  bool keep_ = false;
};

// The running executable, from /proc/self/exe.
fs::path executable_path();

// $HOME, else the password database's home of this user.
fs::path home_directory();
// $XDG_CONFIG_HOME, else ~/.config.
fs::path user_config_directory();

// The space a file or tree takes on disk (allocated blocks, links not followed, a file
// with several links counted once), and how many entries it has. Unreadable parts count
// as empty.
struct TreeUsage {
  uint64_t bytes = 0, entries = 0;
};
TreeUsage tree_usage(const fs::path& path);

// `path` relative to `base` when it lies under it, else `path` unchanged; for messages.
std::string display_path(const fs::path& path, const fs::path& base = fs::current_path());

}  // namespace waybill
