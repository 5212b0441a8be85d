#include "util/fs.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <utility>
#include <system_error>

#include "util/error.hpp"

namespace waybill {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

namespace {

std::optional<std::string> read_all(const fs::path& path, bool missing_ok) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (missing_ok && errno == ENOENT) return std::nullopt;
    throw Error::from_errno("open", path.string(), errno);
  }
  return read_fd(fd.get(), path.string());
}

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::from_errno("write", path.string(), errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::string read_fd(int fd, const std::string& name) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error::from_errno("stat", name, errno);
  if (S_ISDIR(st.st_mode)) throw Error::from_errno("read", name, EISDIR);
  std::string data;
  if (st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::from_errno("read", name, errno);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

std::string read_file(const fs::path& path) { return *read_all(path, false); }

std::optional<std::string> read_file_if_exists(const fs::path& path) {
  return read_all(path, true);
}

void write_file_atomic(const fs::path& path, std::string_view data, mode_t mode, bool durable) {
  write_file_atomic(path, std::vector<std::string_view>{data}, mode, durable);
}

void write_file_atomic(const fs::path& path, const std::vector<std::string_view>& pieces, mode_t mode,
                       bool durable) {
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int raw = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (raw < 0) throw Error::from_errno("create temporary file in", dir.string(), errno);
  UniqueFd fd(raw);
  try {
    for (std::string_view piece : pieces) write_all(fd.get(), piece, path);
    if (::fchmod(fd.get(), mode) != 0) throw Error::from_errno("chmod", tmpl, errno);
    if (durable && ::fsync(fd.get()) != 0) throw Error::from_errno("fsync", tmpl, errno);
    fd.reset();
    if (::rename(tmpl.c_str(), path.c_str()) != 0) throw Error::from_errno("rename to", path.string(), errno);
  } catch (...) {
    ::unlink(tmpl.c_str());
    throw;
  }
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  write_file_atomic(to, read_file(from));
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::from_errno("create", "a pipe", errno, ErrorKind::Environment);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error::from_errno("create directory", dir.string(), ec.value());
}

TempDir::TempDir(std::string_view prefix, const fs::path& parent) {
  fs::path base = parent;
  if (base.empty()) {
    const char* t = ::getenv("TMPDIR");
    base = (t && *t) ? t : "/tmp";
  }
  std::string tmpl = (base / (std::string(prefix) + "XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw Error::from_errno("create temporary directory in", base.string(), errno);
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (keep_ || path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

TreeUsage tree_usage(const fs::path& path) {
  TreeUsage usage;
  std::set<std::pair<dev_t, ino_t>> linked;
  auto add = [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return;
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !linked.emplace(st.st_dev, st.st_ino).second) return;
    usage.bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    ++usage.entries;
  };
  add(path);
  std::error_code ec;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) add(it->path());
  return usage;
}

fs::path home_directory() {
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

fs::path user_config_directory() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return xdg;
  return home_directory() / ".config";
}

fs::path executable_path() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error(ErrorKind::Environment, "cannot find the waybill executable: /proc/self/exe: " + ec.message());
  return p;
}

std::string display_path(const fs::path& path, const fs::path& base) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path.string();
  fs::path rel = abs.lexically_normal().lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return rel.string();
}

}  // namespace waybill
