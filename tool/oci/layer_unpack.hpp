#pragma once
// Unpacking layers into the store's layers/ directory, and reading tar files (plain or
// compressed) into a directory. The blob is read, hashed, decompressed and hashed again
// on one thread while another extracts the tar: the digest and the diff_id are both
// verified on the way, and a layer whose digests do not match is thrown away.
#include <filesystem>
#include <optional>
#include <string>

#include "oci/image_json.hpp"
#include "oci/store.hpp"
#include "oci/tar_extract.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::oci {

struct UnpackedLayer {
  std::filesystem::path dir;
  ExtractStats stats;    // empty when the layer was unpacked already
  bool reused = false;
};

// Makes sure layers/<diff_id> holds the layer. Extracts into tmp/ and renames into place,
// so a concurrent or interrupted unpack never leaves a partial layer. Throws
// Error(Document) when the blob's digest or diff_id is wrong or an entry is refused.
UnpackedLayer unpack_layer(const Store& store, const Descriptor& layer, const Digest& diff_id,
                           Reporter* reporter = nullptr);

// Extracts a tar file (plain, gzip or zstd, detected from its first bytes) into the
// empty directory `dest`. Returns the stats; `diff_id` receives the digest of the tar.
ExtractStats extract_tar_file(const std::filesystem::path& tar, const std::filesystem::path& dest,
                              const std::string& what, Digest* diff_id = nullptr, Reporter* reporter = nullptr);

// Removes a directory tree that may hold read-only directories.
void remove_tree(const std::filesystem::path& dir);

}  // namespace waybill::oci
