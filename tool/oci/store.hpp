#pragma once
// The image store (ARCHITECTURE.md, "The store"):
//   $WAYBILL_HOME/store/     an OCI image layout: oci-layout, index.json, blobs/sha256/
//   $WAYBILL_HOME/layers/    unpacked layers, layers/sha256/<diff_id hex>/, overlay lower dirs
//   $WAYBILL_HOME/cache/     build and cell caches
//   $WAYBILL_HOME/tmp/       everything is written here first, then renamed into place
//   $WAYBILL_HOME/locks/     lock files (util/file_lock.hpp)
// Blobs are content-addressed and immutable: a blob is hashed while it is written and
// renamed into place only when its digest is right. index.json changes under an
// exclusive lock and is replaced atomically. Anything that adds objects holds the
// garbage-collection lock shared; prune holds it exclusively, so it never removes what
// a concurrent writer is about to reference.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/digest.hpp"
#include "oci/sha256.hpp"
#include "oci/image_json.hpp"
#include "oci/reference.hpp"
#include "util/file_lock.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

// WAYBILL_HOME, else /var/lib/waybill for root, else $XDG_DATA_HOME/waybill
// (~/.local/share/waybill).
std::filesystem::path default_home();

class Store;

// A blob being written: hashed as it goes, committed by rename.
class BlobWriter {
 public:
  explicit BlobWriter(const Store& store);
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  void write(const void* data, size_t size);
  void write(std::string_view s) { write(s.data(), s.size()); }
  int64_t size() const { return static_cast<int64_t>(hash_.bytes()); }
  // Verifies the digest (when one is expected) and moves the blob into place. A blob
  // already in the store is left as it is. Throws Error(Document) on a mismatch.
  Digest commit(const std::optional<Digest>& expected = std::nullopt, bool durable = false);

 private:
  const Store* store_;
  std::filesystem::path tmp_;
  UniqueFd fd_;
  Sha256 hash_;
  bool done_ = false;
};

struct IndexEntry {
  Descriptor manifest;             // a manifest or an index
  std::optional<ImageRef> name;    // from the ref.name annotation
};

// One image: its manifest (an index is resolved to the platform's manifest) and config.
struct StoredImage {
  Descriptor descriptor;  // what index.json refers to
  Digest manifest_digest;
  Manifest manifest;
  ImageConfig config;
  std::vector<ImageRef> names;
};

class Store {
 public:
  // Opens the store at `home`, creating the layout on first use.
  static Store open(const std::filesystem::path& home = default_home());

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path oci_dir() const { return home_ / "store"; }
  std::filesystem::path blob_dir() const { return oci_dir() / "blobs" / "sha256"; }
  std::filesystem::path layers_dir() const { return home_ / "layers" / "sha256"; }
  std::filesystem::path tmp_dir() const { return home_ / "tmp"; }
  std::filesystem::path cache_dir() const { return home_ / "cache"; }

  std::filesystem::path blob_path(const Digest& d) const;
  bool has_blob(const Digest& d) const;
  // Reads a (small) blob and checks its digest.
  std::string read_blob(const Digest& d) const;
  Digest put_blob(std::string_view data) const;

  std::filesystem::path layer_dir(const Digest& diff_id) const;
  bool has_layer(const Digest& diff_id) const;

  std::vector<IndexEntry> entries() const;
  // Points `name` at `manifest` (moving it from any other image).
  void set_name(const ImageRef& name, const Descriptor& manifest) const;
  // Keeps an unnamed image from being pruned.
  void add_unnamed(const Descriptor& manifest) const;
  bool remove_name(const ImageRef& name) const;
  // Removes every entry (named or not) for this manifest; returns how many.
  size_t remove_digest(const Digest& manifest) const;

  // An image by name ("debian:bookworm"), digest ("sha256:..."), or an unambiguous
  // prefix of its digest (at least 4 hex digits). nullopt when there is none.
  std::optional<IndexEntry> find(std::string_view text) const;
  // As find, but an absent image is Error(Usage) with a hint.
  IndexEntry require(std::string_view text) const;
  StoredImage image(const IndexEntry& entry, const std::string& platform = "linux/amd64") const;

  // The lock every writer holds (shared) and prune holds (exclusive).
  FileLock gc_lock(FileLock::Mode mode) const;

 private:
  explicit Store(std::filesystem::path home) : home_(std::move(home)) {}
  Index read_index() const;
  void update_index(const std::function<void(Index&)>& change) const;

  std::filesystem::path home_;
};

}  // namespace waybill::oci
