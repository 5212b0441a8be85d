#include "exec/session_box.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "box/image_box.hpp"
#include "oci/store.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::exec {

SessionDirs make_session_dirs(const std::filesystem::path& root, const Driver& driver) {
  SessionDirs d{root / "driver", root / "out"};
  make_dirs(d.driver);
  make_dirs(d.out);
  if (driver.source) write_file_atomic(d.driver / driver.file, *driver.source);
  return d;
}

box::BoxSpec session_box_spec(const SessionBoxInput& in, Reporter& reporter) {
  box::RunOptions o;
  o.image = in.image_digest;
  o.command = in.driver.argv;
  o.entrypoint = "";  // the driver is the command, whatever the image's entrypoint
  o.workdir = "/doc";
  // The driver's variables first, so that the manifest's env can override them.
  for (const auto& kv : in.driver.env) o.env.push_back(kv);
  // A reproducible render passes its epoch on, so that tools in the cells that stamp
  // dates (matplotlib's SVG and PDF, R's pdf()) use it instead of the clock.
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) o.env.push_back(std::string("SOURCE_DATE_EPOCH=") + epoch);
  for (const auto& [k, v] : in.manifest.env) o.env.push_back(k + "=" + v);
  o.network = in.manifest.network == plan::NetworkSetting::Host ? box::Network::Host : box::Network::None;
  o.limits.memory_bytes = in.limits.memory_bytes;
  o.limits.cpus = in.limits.cpus;
  o.limits.pids = in.limits.pids;
  box::BoxSpec spec = box::image_box_spec(in.store, o, reporter);
  // A cell that fills /tmp fills memory: no more than its limit, whatever the machine has.
  spec.tmp_size = in.limits.memory_bytes.value_or(0);
  spec.mounts.push_back(box::BindMount{in.doc_dir, "/doc", true});
  spec.mounts.push_back(box::BindMount{in.dirs.driver, kDriverDir, true});
  spec.mounts.push_back(box::BindMount{in.dirs.out, kOutputDir, false});
  // Data images by digest, so the box mounts exactly what the keys and the record name.
  for (const auto& d : in.data)
    spec.layer_mounts.push_back(box::LayerMount{box::image_layer_dirs(in.store, d.digest, reporter), d.target});
  for (const auto& m : in.manifest.mounts) {
    if (!m.image.empty()) continue;
    std::filesystem::path source = std::filesystem::path(m.source).is_absolute() ? std::filesystem::path(m.source) : in.doc_dir / m.source;
    std::error_code ec;
    if (!std::filesystem::exists(source, ec))
      throw Error(ErrorKind::Document, "mounts: `" + m.source + "` does not exist", m.loc,
                  "mount sources are host paths, relative to the document");
    spec.mounts.push_back(box::BindMount{source, m.target, !m.writable});
  }
  return spec;
}

std::string make_output_dir(const SessionDirs& dirs, const std::string& cell_id) {
  // The id is the cell's label, which the document chose: it names one directory.
  std::string why = unsafe_name_reason(cell_id);
  if (!why.empty()) throw Error(ErrorKind::Document, "the cell name `" + printable(cell_id) + "` cannot name a directory: " + why);
  make_dirs(dirs.out / cell_id);
  return std::string(kOutputDir) + "/" + cell_id;
}

namespace {

constexpr size_t kMaxOutputDepth = 16;

// Walks a cell's output directory through fds, never following a link: the box may
// still be running, and whatever it left there (links to host files, fifos, files that
// keep growing) is read as untrusted input.
class OutputDirReader {
 public:
  OutputDirReader(const OutputLimits& limits, Reporter& reporter, const SourceLoc& where)
      : limits_(limits), reporter_(reporter), where_(where) {}

  CollectedFiles read(const std::filesystem::path& out, const std::string& cell_id) {
    BeneathResult top = open_beneath(out, cell_id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (top.error == BeneathError::Missing) return std::move(result_);
    if (!top.fd) {
      result_.refused.push_back("its output directory was replaced by a link or another kind of file");
      return std::move(result_);
    }
    walk(top.fd.get(), "", 0);
    std::sort(result_.files.begin(), result_.files.end(),
              [](const CellOutput& a, const CellOutput& b) { return a.name < b.name; });
    return std::move(result_);
  }

 private:
  void walk(int dir_fd, const std::string& prefix, size_t depth) {
    UniqueFd own(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
    DIR* dir = own ? ::fdopendir(own.get()) : nullptr;
    if (!dir) return;
    own.release();
    std::vector<std::string> names;
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (!result_.refused.empty()) break;
      visit(::dirfd(dir), name, prefix.empty() ? name : prefix + "/" + name, depth);
    }
    ::closedir(dir);
  }

  void visit(int dir_fd, const std::string& name, const std::string& rel, size_t depth) {
    std::string why = unsafe_name_reason(rel, kMaxOutputDepth);
    if (!why.empty()) {
      result_.refused.push_back("a file named `" + printable(rel) + "`: " + why);
      return;
    }
    struct stat st{};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISLNK(st.st_mode)) {
      reporter_.warn("the output " + printable(rel) + " is a symbolic link; links are not followed, and it is left out",
                     where_, "write files, not links, to $WAYBILL_OUTPUT_DIR");
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub) walk(sub.get(), rel, depth + 1);
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      result_.refused.push_back("`" + printable(rel) + "` is not a regular file (a fifo, socket or device)");
      return;
    }
    if (++count_ > limits_.files) {
      result_.refused.push_back("it wrote more than " + std::to_string(limits_.files) + " files");
      return;
    }
    // O_NONBLOCK: a file swapped for a fifo since the stat must not hang the host.
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    std::string bytes = read_bounded(fd.get(), limits_.output);
    if (bytes.size() > limits_.output) {
      result_.refused.push_back("the file " + printable(rel) + " is over " + format_binary_size(limits_.output) +
                                " (limits.output)");
      return;
    }
    CellOutput f;
    f.kind = OutputKind::File;
    f.name = rel;
    f.base64 = base64_encode(bytes);
    result_.files.push_back(std::move(f));
  }

  // Up to `limit` + 1 bytes: enough to know the file is too large.
  static std::string read_bounded(int fd, uint64_t limit) {
    std::string out;
    char buf[1 << 16];
    while (out.size() <= limit) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  const OutputLimits& limits_;
  Reporter& reporter_;
  SourceLoc where_;
  CollectedFiles result_;
  size_t count_ = 0;
};

}  // namespace

CollectedFiles collect_output_files(const SessionDirs& dirs, const std::string& cell_id, const OutputLimits& limits,
                                    Reporter& reporter, const SourceLoc& where) {
  return OutputDirReader(limits, reporter, where).read(dirs.out, cell_id);
}

}  // namespace waybill::exec
