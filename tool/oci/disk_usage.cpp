// `waybill image df`: where the store's space goes, and what prune would give back.
#include <set>

#include "oci/image_ops.hpp"
#include "oci/reachable.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

namespace {

void add_tree(StoreUsage::Part& part, const fs::path& path, bool reclaimable) {
  uint64_t bytes = tree_usage(path).bytes;
  ++part.count;
  part.bytes += bytes;
  if (reclaimable) part.reclaimable += bytes;
}

// Every entry of `dir` counted as one, with its whole tree's size.
void add_entries(StoreUsage::Part& part, const fs::path& dir, bool reclaimable) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) add_tree(part, e.path(), reclaimable);
}

}  // namespace

StoreUsage store_usage(const Store& store) {
  // Shared, as fsck: a prune must not remove what is being counted.
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  StoreUsage u;
  Reachable r = reachable(store);
  std::set<std::string> cached = build_cache_blobs(store);
  std::set<std::string> images;
  for (const auto& e : store.entries()) {
    if (e.name) ++u.names;
    images.insert(e.manifest.digest.str());
  }
  u.images.count = images.size();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(store.blob_dir(), ec)) {
    std::string digest = "sha256:" + e.path().filename().string();
    uint64_t bytes = tree_usage(e.path()).bytes;
    if (r.blobs.count(digest)) {
      u.images.bytes += bytes;
    } else if (cached.count(digest)) {
      u.build_cache.bytes += bytes;
      u.build_cache.reclaimable += bytes;
    } else {
      ++u.unused_blobs.count;
      u.unused_blobs.bytes += bytes;
      u.unused_blobs.reclaimable += bytes;
    }
  }
  for (const auto& e : fs::directory_iterator(store.layers_dir(), ec))
    add_tree(u.layers, e.path(), !r.diff_ids.count("sha256:" + e.path().filename().string()));
  // Build steps are counted by their entries; their blobs and RUN cache mounts add space.
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store.cache_dir() / "build", ec)) ++u.build_cache.count;
  StoreUsage::Part mounts;
  add_entries(mounts, store.cache_dir() / "build-mounts", true);
  u.build_cache.bytes += mounts.bytes;
  u.build_cache.reclaimable += mounts.bytes;
  for (const auto& shard : fs::directory_iterator(store.cache_dir() / "cells", ec)) {
    TreeUsage t = tree_usage(shard.path());
    u.cells.bytes += t.bytes;
    u.cells.count += t.entries > 0 ? t.entries - 1 : 0;
  }
  add_entries(u.temporaries, store.tmp_dir(), true);
  for (const auto& e : fs::directory_iterator(store.home() / "boxes", ec))
    if (e.path().filename() != "scratch" && e.path().filename() != "leases") add_tree(u.temporaries, e.path(), true);
  return u;
}

}  // namespace waybill::oci
