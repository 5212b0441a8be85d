// `image ls`, `inspect`, `tag` and `rm`.
#include <map>

#include "oci/image_ops.hpp"
#include "oci/layer_unpack.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::oci {

using nlohmann::json;

std::vector<ImageSummary> list_images(const Store& store) {
  std::map<std::string, ImageSummary> by_digest;
  std::vector<std::string> order;
  for (const auto& e : store.entries()) {
    auto [it, fresh] = by_digest.try_emplace(e.manifest.digest.str());
    ImageSummary& s = it->second;
    if (fresh) {
      order.push_back(e.manifest.digest.str());
      s.manifest_digest = e.manifest.digest;
      try {
        StoredImage img = store.image(e);
        s.created = img.config.created();
        s.platform = img.config.platform().str();
        s.size = img.manifest.config.size;
        for (const auto& l : img.manifest.layers) s.size += l.size;
      } catch (const Error&) {
        s.platform = "(damaged; see `waybill image fsck`)";
      }
    }
    if (e.name) s.names.push_back(*e.name);
  }
  std::vector<ImageSummary> out;
  for (const auto& d : order) out.push_back(by_digest[d]);
  return out;
}

json inspect_image(const Store& store, std::string_view name) {
  IndexEntry entry = store.require(name);
  StoredImage img = store.image(entry);
  json tags = json::array();
  for (const auto& n : img.names) tags.push_back(n.familiar());
  json layers = json::array();
  int64_t size = img.manifest.config.size;
  for (const auto& l : img.manifest.layers) {
    layers.push_back(to_json(l));
    size += l.size;
  }
  json diff_ids = json::array();
  for (const auto& d : img.config.diff_ids()) diff_ids.push_back(d.str());
  const json* runtime = std::as_const(img.config).runtime();
  return json::array({{
      {"Id", entry.manifest.digest.str()},
      {"Digest", img.manifest_digest.str()},
      {"MediaType", entry.manifest.media_type},
      {"RepoTags", tags},
      {"Created", img.config.created()},
      {"Architecture", img.config.platform().architecture},
      {"Os", img.config.platform().os},
      {"Size", size},
      {"Config", runtime ? *runtime : json::object()},
      {"Labels", img.config.labels()},
      {"RootFS", {{"Type", "layers"}, {"Layers", diff_ids}}},
      {"Layers", layers},
      {"ConfigDigest", img.manifest.config.digest.str()},
      {"History", img.config.json.value("history", json::array())},
  }});
}

std::vector<std::filesystem::path> unpack_image(const Store& store, std::string_view name, Reporter& reporter) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  StoredImage img = store.image(store.require(name));
  std::vector<Digest> ids = img.config.diff_ids();
  if (ids.size() != img.manifest.layers.size())
    throw Error(ErrorKind::Document, "image " + img.manifest_digest.short_id() + " has " +
                                         std::to_string(img.manifest.layers.size()) + " layers but " +
                                         std::to_string(ids.size()) + " diff_ids");
  std::vector<std::filesystem::path> dirs;
  for (size_t i = 0; i < ids.size(); ++i) {
    UnpackedLayer u = unpack_layer(store, img.manifest.layers[i], ids[i], &reporter);
    report_extract_notes(u.stats, "layer " + ids[i].short_id(), reporter);
    if (!u.reused)
      reporter.status("unpacked layer " + ids[i].short_id() + " (" + std::to_string(u.stats.entries) + " entries)");
    dirs.push_back(u.dir);
  }
  return dirs;
}

void tag_image(const Store& store, std::string_view source, const ImageRef& target) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  IndexEntry entry = store.require(source);
  Descriptor d = entry.manifest;
  d.annotations.clear();
  store.set_name(target, d);
}

RemoveReport remove_images(const Store& store, const std::vector<std::string>& names) {
  RemoveReport report;
  for (const auto& text : names) {
    IndexEntry entry = store.require(text);
    auto ref = ImageRef::try_parse(text);
    if (ref && entry.name && entry.name->full() == ref->full()) {
      store.remove_name(*ref);
      report.untagged.push_back(ref->familiar());
      continue;
    }
    // By ID or digest: every name of that image goes, and the image with them.
    for (const auto& e : store.entries())
      if (e.name && e.manifest.digest == entry.manifest.digest) report.untagged.push_back(e.name->familiar());
    store.remove_digest(entry.manifest.digest);
    report.untagged.push_back(entry.manifest.digest.short_id());
  }
  // What no image refers to any more goes now, as `docker rmi` frees the space.
  class Quiet : public Reporter {
    void diagnostic(const Diagnostic&) override {}
    void status(std::string_view) override {}
  } quiet;
  PruneReport pruned = prune_store(store, quiet);
  report.blobs_removed = pruned.blobs;
  report.layers_removed = pruned.layers;
  report.bytes_freed = pruned.bytes;
  return report;
}

}  // namespace waybill::oci
