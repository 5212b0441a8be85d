#pragma once
// Which repositories of which registries hold a blob, as far as this store has seen:
// images pulled from them or pushed to them. A push asks the registry to mount a blob
// from one of those repositories instead of uploading it again. It is only a cache
// ($WAYBILL_HOME/cache/registry/blob-locations.json): losing it costs uploads, nothing
// else, and a registry that no longer has the blob just declines the mount.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/digest.hpp"

namespace waybill::oci {

class Store;

class BlobLocations {
 public:
  explicit BlobLocations(const Store& store);

  std::vector<std::string> repositories(const std::string& registry, const Digest& blob) const;
  // Notes that `repository` on `registry` holds these blobs (merging with what other
  // processes noted meanwhile), and saves the cache.
  void add(const std::string& registry, const std::string& repository, const std::vector<Digest>& blobs);

 private:
  const Store& store_;
  nlohmann::json known_;  // {registry: {digest: [repository, ...]}}
};

}  // namespace waybill::oci
