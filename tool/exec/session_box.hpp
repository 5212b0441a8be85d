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
#include "exec/output_checks.hpp"
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
  const plan::LimitSettings& limits;  // the manifest's over the defaults
  const std::vector<DataImage>& data;  // the manifest's image mounts, resolved
  std::filesystem::path doc_dir;  // absolute
  std::string doc_path;           // for messages
  SessionDirs dirs;
};

// Throws Error(Document) at the manifest for a mount whose source does not exist.
box::BoxSpec session_box_spec(const SessionBoxInput& input, Reporter& reporter);

// The directory a cell writes files to: "/waybill/out/<id>" in the box, made on the host.
// Throws Error(Document) for an id that is not a plain name.
std::string make_output_dir(const SessionDirs& dirs, const std::string& cell_id);

// The files a cell left in its output directory, as File outputs sorted by path, and
// what was refused there (the cell then fails with it): a directory replaced by a link,
// unsafe names, fifos and devices, too many files, a file over limits.output. Links
// inside are left out with a warning at `where`; nothing is ever followed.
struct CollectedFiles {
  std::vector<CellOutput> files;
  std::vector<std::string> refused;
};
CollectedFiles collect_output_files(const SessionDirs& dirs, const std::string& cell_id, const OutputLimits& limits,
                                    Reporter& reporter, const SourceLoc& where);

}  // namespace waybill::exec
