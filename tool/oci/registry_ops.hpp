#pragma once
// `waybill image pull`, `image push`, `login` and `logout`: the store and registries,
// through RegistryClient. Library code: results come back as values.
#include <optional>
#include <string>

#include "oci/digest.hpp"
#include "oci/reference.hpp"
#include "oci/store.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::oci {

// Index annotations a pulled image carries in the store, so that a later build or
// render can say where its base came from.
inline constexpr const char* kSourceAnnotation = "org.waybill.source";       // registry/repo:tag@digest
inline constexpr const char* kSourceHostAnnotation = "org.waybill.source.host";  // the registry or mirror that served it
inline constexpr const char* kSourceIndexAnnotation = "org.waybill.source.index";  // the index it was chosen from

struct PullOptions {
  std::string platform = "linux/amd64";
  std::string authfile;  // --authfile; empty: the usual files
};

struct PullResult {
  ImageRef reference;
  Digest manifest;                   // the platform's manifest, which the store now names
  std::optional<Digest> index;       // the index it was chosen from, if the tag named one
  std::string host;                  // the registry or mirror that served it
  size_t blobs_fetched = 0, blobs_present = 0;
};

// Fetches REF's manifest (choosing the platform from an index), config and layers from
// its mirrors, then the registry itself. Every blob is verified; the name is set last.
PullResult pull_image(const Store& store, const ImageRef& reference, const PullOptions& options, Reporter& reporter);

struct PushResult {
  Digest manifest;
  size_t uploaded = 0, existing = 0, mounted = 0;
};

// Pushes an image of the store to `destination`: blobs the registry lacks (mounted
// from another repository of that registry when one has them), then the manifest.
PushResult push_image(const Store& store, const std::string& source, const ImageRef& destination,
                      const std::string& authfile, Reporter& reporter);

// Checks the credentials against the registry, then saves them; returns the file.
std::string login(const std::string& registry, const std::string& username, const std::string& password,
                  const std::string& authfile, Reporter& reporter);

// The host part of what people type after `login`: "https://ghcr.io/" → "ghcr.io",
// "docker.io" and "index.docker.io" → "docker.io".
std::string registry_host(const std::string& text);

}  // namespace waybill::oci
