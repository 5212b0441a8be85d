#pragma once
// Packing a directory into a layer blob, deterministically (ARCHITECTURE.md, "The
// reproducibility contract"): entries in byte order of their paths, numeric owners
// only, no atime or ctime, mtimes clamped to SOURCE_DATE_EPOCH when it is set, fixed
// compression. The diff_id (of the tar) and the digest (of the compressed blob) come
// from one pass.
// From an overlayfs upper directory, whiteouts (0/0 character devices) become
// `.wh.<name>` entries and opaque directories a `.wh..wh..opq` entry.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "oci/image_json.hpp"
#include "oci/store.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::oci {

struct PackOptions {
  Compression compression = Compression::Gzip;
  std::optional<int64_t> source_date_epoch;
  bool overlay_upper = false;  // translate overlayfs whiteouts
  // Data (image pack-data): owners 0:0, modes 0644 or 0755, no xattrs, and a device or
  // fifo is an error; so the same files give the same layer whoever packs them.
  bool portable = false;
  unsigned threads = 0;        // 0: one per core
};

struct PackedLayer {
  Descriptor descriptor;  // media type, digest and size of the compressed blob
  Digest diff_id;
  uint64_t tar_bytes = 0;
  uint64_t entries = 0;
};

// Packs `dir` into a new blob in `store`. Progress goes to `reporter` when given.
PackedLayer pack_layer(const Store& store, const std::filesystem::path& dir, const PackOptions& options,
                       Reporter* reporter = nullptr);

// SOURCE_DATE_EPOCH from the environment, when it is a valid number of seconds.
std::optional<int64_t> source_date_epoch_from_env();

}  // namespace waybill::oci
