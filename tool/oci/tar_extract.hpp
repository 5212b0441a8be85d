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

struct ExtractStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  std::vector<std::string> skipped;  // entries not created (device nodes when not root)
};

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
