// `image fsck` and `image prune`.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "oci/image_ops.hpp"
#include "oci/layer_unpack.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

namespace {


struct Reachable {
  std::set<std::string> blobs;     // "sha256:..."
  std::set<std::string> diff_ids;  // "sha256:..."
};

// Walks from index.json to everything it keeps alive. Problems are collected, not thrown.
Reachable reachable(const Store& store, std::vector<std::string>* problems, uint64_t* images) {
  Reachable r;
  auto note = [&](const std::string& p) {
    if (problems) problems->push_back(p);
  };
  auto manifest = [&](const Descriptor& d, const std::string& who) {
    r.blobs.insert(d.digest.str());
    if (!store.has_blob(d.digest)) return note(who + ": manifest " + d.digest.str() + " is missing");
    try {
      Manifest m = parse_manifest(store.read_blob(d.digest), "manifest " + d.digest.str());
      r.blobs.insert(m.config.digest.str());
      for (const auto& l : m.layers) {
        r.blobs.insert(l.digest.str());
        if (!store.has_blob(l.digest)) note(who + ": layer " + l.digest.str() + " is missing");
      }
      if (!store.has_blob(m.config.digest)) return note(who + ": config " + m.config.digest.str() + " is missing");
      ImageConfig c = parse_config(store.read_blob(m.config.digest), "config " + m.config.digest.str());
      auto ids = c.diff_ids();
      if (ids.size() != m.layers.size())
        note(who + ": the manifest has " + std::to_string(m.layers.size()) + " layers, the config " +
             std::to_string(ids.size()) + " diff_ids");
      for (const auto& id : ids) r.diff_ids.insert(id.str());
    } catch (const Error& e) {
      note(who + ": " + e.message());
    }
  };
  for (const auto& e : store.entries()) {
    if (images) ++*images;
    std::string who = e.name ? e.name->familiar() : e.manifest.digest.short_id();
    if (is_index_type(e.manifest.media_type)) {
      r.blobs.insert(e.manifest.digest.str());
      try {
        for (const auto& d : parse_index(store.read_blob(e.manifest.digest), "index").manifests)
          if (store.has_blob(d.digest)) manifest(d, who);
      } catch (const Error& err) {
        note(who + ": " + err.message());
      }
    } else {
      manifest(e.manifest, who);
    }
  }
  return r;
}

}  // namespace

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
  Reachable r = reachable(store, nullptr, nullptr);
  for (const auto& e : fs::directory_iterator(store.blob_dir())) {
    if (r.blobs.count("sha256:" + e.path().filename().string())) continue;
    std::error_code ec;
    report.bytes += fs::file_size(e.path(), ec);
    fs::remove(e.path(), ec);
    ++report.blobs;
  }
  for (const auto& e : fs::directory_iterator(store.layers_dir())) {
    if (r.diff_ids.count("sha256:" + e.path().filename().string())) continue;
    remove_tree(e.path());
    ++report.layers;
  }
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

}  // namespace waybill::oci
