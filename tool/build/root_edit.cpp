#include "build/root_edit.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "box/rootfs.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace fs = std::filesystem;

namespace {

constexpr char kField = '\x1f';

void mount_overlay(const box::RootFs& root, const box::BoxDirs& dirs, const fs::path& at) {
  box::OverlayOptions o = box::overlay_options(root, dirs);
  if (!o.lower_parent.empty() && ::chdir(o.lower_parent.c_str()) != 0)
    throw Error::from_errno("enter", o.lower_parent.string(), errno, ErrorKind::Environment);
  if (::mount("overlay", at.c_str(), "overlay", 0, o.data.c_str()) != 0)
    throw Error::from_errno("mount an overlay at", at.string(), errno, ErrorKind::Environment);
}

// A read-only view: one layer is its directory; several are an overlay without upper.
UniqueFd open_view(const Layers& layers, const fs::path& at, const box::BoxDirs& dirs) {
  fs::path dir = dirs.empty();
  if (layers.lower.size() == 1) {
    dir = layers.lower[0];
  } else if (layers.lower.size() > 1) {
    std::string lowerdir;
    for (auto it = layers.lower.rbegin(); it != layers.lower.rend(); ++it)
      lowerdir += (lowerdir.empty() ? "" : ":") + it->string();
    std::string data = "lowerdir=" + lowerdir;
    if (::mount("overlay", at.c_str(), "overlay", MS_RDONLY, data.c_str()) != 0)
      throw Error::from_errno("mount a read-only overlay at", at.string(), errno, ErrorKind::Environment);
    dir = at;
  }
  UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error::from_errno("open", dir.string(), errno, ErrorKind::Environment);
  return fd;
}

[[noreturn]] void child(const Layers& target, const fs::path& upper, const fs::path& work,
                        const std::vector<Layers>& sources, const fs::path& scratch,
                        const std::function<void(const EditRoots&)>& edit, int report_fd) {
  auto err = capture_error([&] {
    if (::unshare(CLONE_NEWNS) != 0) {
      Error e(ErrorKind::Environment, std::string("cannot create a mount namespace: ") + std::strerror(errno));
      if (errno == EPERM) e.with_hint("building images needs root for now; run waybill as root");
      throw e;
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      throw Error::from_errno("make mounts private", "/", errno, ErrorKind::Environment);
    box::BoxDirs dirs;
    dirs.scratch = scratch;
    make_dirs(dirs.empty());
    make_dirs(scratch / "target");
    box::RootFs root;
    root.lower = target.lower;
    root.upper = upper;
    root.work = work;
    mount_overlay(root, dirs, scratch / "target");
    EditRoots roots;
    UniqueFd target_fd(::open((scratch / "target").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!target_fd) throw Error::from_errno("open", "the merged root", errno, ErrorKind::Environment);
    roots.target = target_fd.get();
    std::vector<UniqueFd> source_fds;
    for (size_t i = 0; i < sources.size(); ++i) {
      fs::path at = scratch / ("source-" + std::to_string(i));
      make_dirs(at);
      source_fds.push_back(open_view(sources[i], at, dirs));
      roots.sources.push_back(source_fds.back().get());
    }
    edit(roots);
  });
  if (err) {
    std::string record = std::to_string(static_cast<int>(err->kind())) + kField + err->message() + kField +
                         err->hint() + kField + err->loc().file + kField + std::to_string(err->loc().line);
    (void)!::write(report_fd, record.data(), record.size());
    ::_exit(1);
  }
  ::_exit(0);
}

}  // namespace

void edit_root(const Layers& target, const fs::path& upper, const fs::path& work, const std::vector<Layers>& sources,
               const fs::path& scratch, const std::function<void(const EditRoots&)>& edit) {
  auto [read_end, write_end] = make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) throw Error::from_errno("fork", "", errno, ErrorKind::Environment);
  if (pid == 0) child(target, upper, work, sources, scratch, edit, write_end.get());
  write_end.reset();
  std::string report = read_fd(read_end.get(), "the edit's report");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  auto f = split(report, kField);
  if (f.size() != 5) throw Error(ErrorKind::Internal, "changing the image's root failed without saying why");
  SourceLoc loc{std::string(f[3]), std::atoi(std::string(f[4]).c_str()), 0};
  throw Error(static_cast<ErrorKind>(std::atoi(std::string(f[0]).c_str())), std::string(f[1]), loc, std::string(f[2]));
}

}  // namespace waybill::build
