// `image fsck` and `image prune`.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "oci/image_ops.hpp"
#include "oci/layer_unpack.hpp"
#include "oci/reachable.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;


FsckReport fsck_store(const Store& store, Reporter& reporter) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  FsckReport report;
  std::vector<fs::path> blobs;
  for (const auto& e : fs::directory_iterator(store.blob_dir())) blobs.push_back(e.path());
  uint64_t done = 0;
  for (const auto& p : blobs) {
    ++report.blobs;
    std::string name = p.filename().string();
    auto expected = Digest::try_parse("sha256:" + name);
    if (!expected) {
      report.problems.push_back("blobs/sha256/" + name + ": not a digest; it does not belong in the store");
      continue;
    }
    Digest got = sha256_of_file(p);
    if (!(got == *expected)) report.problems.push_back("blob " + expected->str() + " is corrupt (its content is " + got.str() + ")");
    reporter.progress("checking blobs", ++done, blobs.size());
  }
  try {
    Reachable r = reachable(store, &report.problems, &report.images);
    for (const auto& e : fs::directory_iterator(store.layers_dir())) {
      ++report.layers;
      if (!r.diff_ids.count("sha256:" + e.path().filename().string()))
        report.notes.push_back("layer " + e.path().filename().string().substr(0, 12) + " is not used by any image");
    }
  } catch (const Error& e) {
    report.problems.push_back("index.json: " + e.message());
  }
  size_t tmp = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store.tmp_dir())) ++tmp;
  if (tmp) report.notes.push_back(std::to_string(tmp) + " temporary files from interrupted operations; `waybill image prune` removes them");
  return report;
}

namespace {

// Removes blobs that neither an image nor (with keep_cache) the build cache uses, and
// unpacked layers no image uses. The caller holds the gc lock exclusively.
void remove_unused(const Store& store, bool keep_cache, PruneReport& report) {
  Reachable r = reachable(store);
  std::set<std::string> cached;
  if (keep_cache) cached = build_cache_blobs(store);
  for (const auto& e : fs::directory_iterator(store.blob_dir())) {
    std::string digest = "sha256:" + e.path().filename().string();
    if (r.blobs.count(digest) || cached.count(digest)) continue;
    std::error_code ec;
    report.bytes += fs::file_size(e.path(), ec);
    fs::remove(e.path(), ec);
    ++report.blobs;
  }
  for (const auto& e : fs::directory_iterator(store.layers_dir())) {
    if (r.diff_ids.count("sha256:" + e.path().filename().string())) continue;
    report.layer_bytes += tree_usage(e.path()).bytes;
    remove_tree(e.path());
    ++report.layers;
  }
}

}  // namespace

PruneReport prune_store(const Store& store, Reporter& reporter, bool build_cache) {
  // Running boxes hold the lock shared: their layers must stay.
  FileLock gc = FileLock::try_lock(store.home() / "locks" / "gc.lock", FileLock::Mode::Exclusive);
  if (!gc) {
    reporter.status("waiting for running boxes and image operations to finish");
    gc = store.gc_lock(FileLock::Mode::Exclusive);
  }
  PruneReport report;
  if (build_cache) {
    for (const char* dir : {"build", "build-mounts"}) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(store.cache_dir() / dir, ec)) {
        remove_tree(e.path());
        ++report.cache_entries;
      }
    }
  }
  remove_unused(store, !build_cache, report);
  // With the lock held exclusively, no operation is under way: whatever is in tmp/ was
  // left by one that was interrupted.
  for (const auto& e : fs::directory_iterator(store.tmp_dir())) {
    remove_tree(e.path());
    ++report.temporaries;
  }
  // Likewise what boxes of killed waybill processes left (only the copy fallback leaves
  // anything), and run configurations of images that are gone.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(store.home() / "boxes", ec)) {
    if (e.path().filename() == "scratch" || e.path().filename() == "leases") continue;
    remove_tree(e.path());
    ++report.temporaries;
  }
  std::set<std::string> listed;
  for (const auto& entry : store.entries()) listed.insert(std::string(entry.manifest.digest.hex()) + ".json");
  for (const auto& e : fs::directory_iterator(store.cache_dir() / "run", ec))
    if (!listed.count(e.path().filename().string())) fs::remove(e.path(), ec);
  reporter.status("removed " + std::to_string(report.blobs) + " blobs, " + std::to_string(report.layers) +
                  " unpacked layers and " + std::to_string(report.temporaries) + " temporary files");
  return report;
}

std::optional<PruneReport> prune_superseded(const Store& store) {
  // Never waits: a box or another build holding the lock shared keeps everything; the
  // next build, or `waybill image prune`, collects it.
  FileLock gc = FileLock::try_lock(store.home() / "locks" / "gc.lock", FileLock::Mode::Exclusive);
  if (!gc) return std::nullopt;
  PruneReport report;
  remove_unused(store, true, report);
  return report;
}

}  // namespace waybill::oci
