#pragma once
// Changes waybill makes to an image's root itself (COPY, ADD, WORKDIR). A child process
// with a mount namespace of its own mounts the image's layers as an overlay, with the
// step's upper directory on top, and runs `edit` with the merged root open. The
// kernel's copy-up then leaves in the upper directory exactly what changed, whiteouts
// and all, as a RUN step's box does: one way to turn a step into a layer. Read-only
// views of other roots (COPY --from) are mounted beside it. The mounts vanish with
// the child.
#include <filesystem>
#include <functional>
#include <vector>

namespace waybill::build {

struct Layers {
  std::vector<std::filesystem::path> lower;  // unpacked layers, lowest first (may be empty)
};

struct EditRoots {
  int target = -1;            // the merged root being changed (O_PATH directory fd)
  std::vector<int> sources;   // one per `sources` given to edit_root, same order
};

// `scratch` is an empty directory for mount points, on any file system; `upper` and
// `work` are empty directories on one file system. Errors thrown by `edit` come back
// as the same Error in the caller. Needs root (mount namespaces).
void edit_root(const Layers& target, const std::filesystem::path& upper, const std::filesystem::path& work,
               const std::vector<Layers>& sources, const std::filesystem::path& scratch,
               const std::function<void(const EditRoots&)>& edit);

}  // namespace waybill::build
