#pragma once
// Extracting a layer's tar stream into a directory without ever touching anything
// outside it. Every entry's path is resolved component by component beneath the root
// with O_NOFOLLOW, so neither `..`, an absolute path, nor a symlink the layer itself
// created can lead a write (or a hard link's target) elsewhere. OCI whiteouts become
// overlayfs whiteouts (0/0 character devices) and opaque-directory xattrs, so the
// directory can serve directly as an overlay lower layer. Limits on entries and bytes
// stop archives built to exhaust the disk.
#include <archive.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace waybill {
class Reporter;
}

namespace waybill::oci {

struct ExtractLimits {
  uint64_t max_entries = 2'000'000;
  uint64_t max_bytes = uint64_t(64) << 30;
  // WAYBILL_MAX_LAYER_ENTRIES and WAYBILL_MAX_LAYER_BYTES override the defaults.
  static ExtractLimits from_environment();
};

// In a user namespace (a rootless waybill) device nodes cannot be made. Each becomes an
// empty file carrying this attribute ("c:MAJOR:MINOR" or "b:..."), which the layer
// packer turns back into the device entry, so that a layer unpacked and packed again
// rootless is the same layer as root's. Boxes mount their own /dev over the image's.
// Layers may not set it themselves.
inline constexpr const char* kDevicePlaceholderXattr = "user.waybill.device";

struct ExtractStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  std::vector<std::string> skipped;  // entries not created (device nodes when not root)
  uint64_t device_placeholders = 0;  // device nodes kept as placeholders (in a user namespace)
  uint64_t unmapped_owners = 0;      // entries whose owner is not mapped here, left to root
};

// One line for what an extraction left out or changed, when it did (not one per entry).
void report_extract_notes(const ExtractStats& stats, const std::string& what, Reporter& reporter);

class TarExtractor {
 public:
  // `root` must be an empty directory. `what` names the archive in messages.
  TarExtractor(const std::filesystem::path& root, std::string what, ExtractLimits limits);
  ~TarExtractor();
  TarExtractor(const TarExtractor&) = delete;
  TarExtractor& operator=(const TarExtractor&) = delete;

  // Extracts every entry of an archive opened for reading. Throws Error(Document)
  // naming the offending entry; the caller removes the half-extracted root.
  ExtractStats extract(struct archive* a);

 private:
  struct Impl;
  Impl* impl_;
};

// Splits a tar entry path into components beneath the root: leading `/` and `./` are
// dropped (as tar does); an empty path, or one with a `..` component, is refused
// (returns false and says why).
bool layer_path_components(std::string_view path, std::vector<std::string>& out, std::string& why);

}  // namespace waybill::oci
