// The blob location cache (see blob_locations.hpp).
#include "oci/blob_locations.hpp"

#include <algorithm>

#include "oci/store.hpp"
#include "util/file_lock.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace {

constexpr size_t kPerBlob = 8;  // repositories remembered for one blob, newest last

std::filesystem::path cache_file(const Store& store) { return store.cache_dir() / "registry" / "blob-locations.json"; }

nlohmann::json read_cache(const Store& store) {
  auto text = read_file_if_exists(cache_file(store));
  nlohmann::json j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json::object();
  return j.is_object() ? j : nlohmann::json::object();  // a damaged cache is an empty one
}

}  // namespace

BlobLocations::BlobLocations(const Store& store) : store_(store), known_(read_cache(store)) {}

std::vector<std::string> BlobLocations::repositories(const std::string& registry, const Digest& blob) const {
  std::vector<std::string> out;
  auto r = known_.find(registry);
  if (r == known_.end() || !r->is_object()) return out;
  auto b = r->find(blob.str());
  if (b == r->end() || !b->is_array()) return out;
  for (const auto& repo : *b)
    if (repo.is_string()) out.push_back(repo.get<std::string>());
  std::reverse(out.begin(), out.end());  // the newest first
  return out;
}

void BlobLocations::add(const std::string& registry, const std::string& repository, const std::vector<Digest>& blobs) {
  make_dirs(cache_file(store_).parent_path());
  FileLock lock(store_.home() / "locks" / "blob-locations", FileLock::Mode::Exclusive);
  known_ = read_cache(store_);
  nlohmann::json& reg = known_[registry];
  if (!reg.is_object()) reg = nlohmann::json::object();
  for (const auto& d : blobs) {
    nlohmann::json& repos = reg[d.str()];
    if (!repos.is_array()) repos = nlohmann::json::array();
    for (auto it = repos.begin(); it != repos.end();) it = *it == repository ? repos.erase(it) : std::next(it);
    repos.push_back(repository);
    while (repos.size() > kPerBlob) repos.erase(repos.begin());
  }
  write_file_atomic(cache_file(store_), known_.dump() + "\n");
}

}  // namespace waybill::oci
