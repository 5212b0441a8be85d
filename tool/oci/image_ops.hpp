#pragma once
// The `waybill image ...` operations on a store: getting images in (import, bootstrap,
// load), out (save), and looking after them (ls, inspect, tag, rm, fsck, prune).
// Library code: results come back as values; the CLI prints them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/bootstrap_recipe.hpp"
#include "oci/image_json.hpp"
#include "oci/reference.hpp"
#include "oci/store.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::oci {

struct CreatedImage {
  Descriptor manifest;
  std::vector<ImageRef> names;
  Digest diff_id;  // of the single layer, for one-layer images
};

// ---- building one-layer images from a root filesystem -----------------------------

struct RootfsImageOptions {
  Compression compression = Compression::Gzip;
  std::optional<int64_t> source_date_epoch;      // created time and mtime clamp
  std::map<std::string, std::string> labels;
  std::string created_by;                         // the history entry
  std::vector<std::string> cmd;                   // the default command, if any
};

// `waybill image import ROOTFS NAME`: a root filesystem, as a tarball (plain, gzip or
// zstd) or a directory, as a one-layer image. `inspect` may read the unpacked tree before it goes, to
// add labels.
CreatedImage import_rootfs(const Store& store, const std::filesystem::path& tarball, const ImageRef& name,
                           RootfsImageOptions options, Reporter& reporter,
                           const std::function<void(const std::filesystem::path& tree, RootfsImageOptions&)>& inspect = {});

// `waybill image pack-data DIR NAME`: DIR's files as a one-layer data image on scratch,
// deterministic whoever packs it (see data_image.cpp).
CreatedImage pack_data_image(const Store& store, const std::filesystem::path& dir, const ImageRef& name,
                             Compression compression, Reporter& reporter);

struct BootstrapRequest {
  ImageRef name;
  BootstrapRecipe recipe;
  Compression compression = Compression::Gzip;
  std::optional<int64_t> source_date_epoch;
};

// `waybill image bootstrap NAME --suite S`: a Debian base built with mmdebstrap. Its
// labels record the suite, the mirror and every installed package's version.
CreatedImage bootstrap_image(const Store& store, const BootstrapRequest& request, Reporter& reporter);

// Installed packages of a Debian tree, "name=version" sorted, from var/lib/dpkg/status.
std::vector<std::string> installed_packages(const std::filesystem::path& root);

// ---- archives ---------------------------------------------------------------------

// `waybill image load FILE`: docker-archive (docker save, old and Docker 25+ shapes) or
// oci-archive (also gzip- or zstd-compressed). Every blob is verified.
std::vector<CreatedImage> load_archive(const Store& store, const std::filesystem::path& file, Reporter& reporter);

// `waybill image save -o FILE NAME...`: an OCI layout with a docker manifest.json beside
// it, which `podman load` and `docker load` both read. Written atomically.
void save_archive(const Store& store, const std::vector<std::string>& names, const std::filesystem::path& out,
                  Reporter& reporter);

// ---- inventory --------------------------------------------------------------------

struct ImageSummary {
  std::vector<ImageRef> names;  // empty for an unnamed image
  Digest manifest_digest;
  std::string created;
  int64_t size = 0;             // compressed layers and config
  std::string platform;
};

std::vector<ImageSummary> list_images(const Store& store);
nlohmann::json inspect_image(const Store& store, std::string_view name);
void tag_image(const Store& store, std::string_view source, const ImageRef& target);

struct RemoveReport {
  std::vector<std::string> untagged;
  uint64_t blobs_removed = 0, layers_removed = 0, bytes_freed = 0;
};
RemoveReport remove_images(const Store& store, const std::vector<std::string>& names);

// `waybill image unpack NAME`: makes sure every layer of the image is unpacked in the
// store (what running it needs); returns the layer directories, lowest first.
std::vector<std::filesystem::path> unpack_image(const Store& store, std::string_view name, Reporter& reporter);

// ---- maintenance ------------------------------------------------------------------

struct FsckReport {
  uint64_t blobs = 0, images = 0, layers = 0;
  std::vector<std::string> problems;  // integrity errors
  std::vector<std::string> notes;     // harmless leftovers
  bool ok() const { return problems.empty(); }
};
FsckReport fsck_store(const Store& store, Reporter& reporter);

struct PruneReport {
  uint64_t blobs = 0, layers = 0, temporaries = 0, bytes = 0;
  uint64_t layer_bytes = 0;    // the unpacked layers removed, on disk
  uint64_t cache_entries = 0;  // with build_cache: build steps and RUN cache mounts
};
// Blobs no image and no build cache step uses, unpacked layers no image uses, and what
// interrupted operations left. With `build_cache`, the build cache (cache/build/) and
// RUN --mount=type=cache directories (cache/build-mounts/) go first, and their blobs.
PruneReport prune_store(const Store& store, Reporter& reporter, bool build_cache = false);
// After a build moved a name to a new image: what the old image alone used (its
// unpacked layers, and blobs the build cache does not keep). Skipped, returning nullopt,
// when another operation holds the store.
std::optional<PruneReport> prune_superseded(const Store& store);

// Where the store's space goes (`waybill image df`).
struct StoreUsage {
  struct Part {
    uint64_t count = 0, bytes = 0, reclaimable = 0;
  };
  uint64_t names = 0;
  Part images;         // blobs of named images
  Part layers;         // unpacked layers; reclaimable: no image uses them
  Part build_cache;    // steps, the blobs only they use, RUN cache mounts
  Part unused_blobs;   // blobs nothing uses
  Part cells;          // cached cell results
  Part temporaries;    // interrupted operations, boxes of killed processes
};
StoreUsage store_usage(const Store& store);

// ---- helpers shared by the operations ---------------------------------------------

// RFC 3339 in UTC, as image configs write times.
std::string rfc3339(int64_t seconds);
// The OCI architecture name of this machine ("amd64", "arm64").
std::string host_architecture();
// A new image config for linux on this architecture, with PATH set.
ImageConfig new_image_config(const std::string& created);
// Stores config and manifest blobs; returns the manifest's descriptor.
Descriptor store_image(const Store& store, const ImageConfig& config, const std::vector<Descriptor>& layers);

}  // namespace waybill::oci
