// Reachability of blobs and unpacked layers (oci/reachable.hpp).
#include "oci/reachable.hpp"

#include <nlohmann/json.hpp>

#include "oci/image_json.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

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


std::set<std::string> build_cache_blobs(const Store& store) {
  std::set<std::string> blobs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(store.cache_dir() / "build", ec)) {
    auto text = read_file_if_exists(e.path());
    if (!text) continue;
    // An entry that does not parse is one the builder ignores too: it keeps nothing.
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("layers") || !j["layers"].is_array()) continue;
    for (const auto& layer : j["layers"])
      if (layer.is_object() && layer.contains("digest") && layer["digest"].is_string())
        blobs.insert(layer["digest"].get<std::string>());
  }
  return blobs;
}

}  // namespace waybill::oci
