#include "exec/session_box.hpp"

#include <fcntl.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "box/image_box.hpp"
#include "oci/store.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/safe_path.hpp"

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
  o.limits.memory_bytes = in.manifest.limits.memory_bytes;
  o.limits.cpus = in.manifest.limits.cpus;
  o.limits.pids = in.manifest.limits.pids;
  box::BoxSpec spec = box::image_box_spec(in.store, o, reporter);
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
  make_dirs(dirs.out / cell_id);
  return std::string(kOutputDir) + "/" + cell_id;
}

std::vector<CellOutput> collect_output_files(const SessionDirs& dirs, const std::string& cell_id, Reporter& reporter,
                                             uintmax_t max_bytes) {
  std::vector<CellOutput> files;
  std::filesystem::path dir = dirs.out / cell_id;
  std::error_code ec;
  // Not following links: a cell's link to /etc/shadow names a file on the host side.
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string rel = it->path().lexically_relative(dir).string();
    uintmax_t size = it->file_size(ec);
    if (size > max_bytes) {
      reporter.warn("the output file " + rel + " (" + std::to_string(size >> 20) + " MiB) is too large to keep", {},
                    "write large results elsewhere (a writable mount) and show a summary");
      continue;
    }
    // The box still runs: the file may have become a link since it was listed. Opened
    // beneath the directory, without following links, it is read only if it still is a
    // regular file.
    BeneathResult file = open_beneath(dir, rel, O_RDONLY | O_NOFOLLOW);
    struct stat st{};
    if (!file.fd || ::fstat(file.fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    CellOutput f;
    f.kind = OutputKind::File;
    f.name = rel;
    f.base64 = base64_encode(read_fd(file.fd.get(), rel));
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const CellOutput& a, const CellOutput& b) { return a.name < b.name; });
  return files;
}

}  // namespace waybill::exec
