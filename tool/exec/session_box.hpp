#pragma once
// The box a session (or a fresh-process cell) runs in: the image, the driver's command,
// the document's directory read-only at /doc (the working directory), the drivers at
// /waybill/driver, a writable output directory per cell under /waybill/out, and the
// manifest's mounts, env, network and limits. The policy is data (a BoxSpec), built here
// and executed by box/.
#include <filesystem>
#include <string>
#include <vector>

#include "box/spec.hpp"
#include "exec/cell_result.hpp"
#include "exec/drivers.hpp"
#include "exec/images.hpp"
#include "plan/manifest.hpp"

namespace waybill {
class Reporter;
namespace oci {
class Store;
}
}  // namespace waybill

namespace waybill::exec {

// A session's directories on the host: the driver's file and the cells' outputs.
struct SessionDirs {
  std::filesystem::path driver;  // mounted read-only at kDriverDir
  std::filesystem::path out;     // mounted read-write at kOutputDir
};

// Writes the driver's file and makes both directories under `root`.
SessionDirs make_session_dirs(const std::filesystem::path& root, const Driver& driver);

struct SessionBoxInput {
  const oci::Store& store;
  std::string image_digest;
  const Driver& driver;
  const plan::Manifest& manifest;
  const std::vector<DataImage>& data;  // the manifest's image mounts, resolved
  std::filesystem::path doc_dir;  // absolute
  std::string doc_path;           // for messages
  SessionDirs dirs;
};

// Throws Error(Document) at the manifest for a mount whose source does not exist.
box::BoxSpec session_box_spec(const SessionBoxInput& input, Reporter& reporter);

// The directory a cell writes files to: "/waybill/out/<id>" in the box, made on the host.
std::string make_output_dir(const SessionDirs& dirs, const std::string& cell_id);

// The files a cell left in its output directory, as File outputs, sorted by path.
// Files over `max_bytes` are skipped with a warning.
std::vector<CellOutput> collect_output_files(const SessionDirs& dirs, const std::string& cell_id, Reporter& reporter,
                                             uintmax_t max_bytes = 64u << 20);

}  // namespace waybill::exec
