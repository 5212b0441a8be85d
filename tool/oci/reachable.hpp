#pragma once
// What keeps a blob or an unpacked layer in the store: an image named in index.json, or
// (for blobs) a step of the build cache. Shared by fsck, prune and df.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "oci/store.hpp"

namespace waybill::oci {

struct Reachable {
  std::set<std::string> blobs;     // "sha256:..."
  std::set<std::string> diff_ids;  // "sha256:..."
};

// Walks from index.json to everything it keeps alive. Problems are collected in
// `problems` (when given), not thrown; `images` counts the index's entries.
Reachable reachable(const Store& store, std::vector<std::string>* problems = nullptr, uint64_t* images = nullptr);

// The layer blobs the build cache's steps (cache/build/*.json) refer to: a cache hit
// needs them, so prune keeps them unless it empties the cache too.
std::set<std::string> build_cache_blobs(const Store& store);

}  // namespace waybill::oci
