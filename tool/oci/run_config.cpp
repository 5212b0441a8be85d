#include "oci/run_config.hpp"

#include <nlohmann/json.hpp>

#include "oci/store.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace {

// Bumped whenever the fields change, so an older entry is rebuilt rather than misread.
constexpr int kFormat = 1;

std::vector<std::string> strings_of(const nlohmann::json* obj, const char* key) {
  std::vector<std::string> out;
  if (!obj || !obj->is_object()) return out;
  auto it = obj->find(key);
  if (it == obj->end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string string_of(const nlohmann::json* obj, const char* key) {
  if (!obj || !obj->is_object()) return {};
  auto it = obj->find(key);
  return it != obj->end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::filesystem::path run_config_path(const Store& store, const Digest& entry) {
  return store.cache_dir() / "run" / (std::string(entry.hex()) + ".json");
}

std::optional<RunConfig> read_run_config(const Store& store, const Digest& entry) {
  auto text = read_file_if_exists(run_config_path(store, entry));
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", 0) != kFormat) return std::nullopt;
  RunConfig rc;
  auto manifest = Digest::try_parse(j.value("manifest", ""));
  if (!manifest) return std::nullopt;
  rc.manifest = *manifest;
  rc.layers = strings_of(&j, "layers");
  for (const auto& hex : rc.layers) {
    // Only digests' hex digits ever name a layer directory.
    if (!Digest::try_parse("sha256:" + hex) || !store.has_layer(Digest::parse("sha256:" + hex))) return std::nullopt;
  }
  rc.env = strings_of(&j, "env");
  rc.entrypoint = strings_of(&j, "entrypoint");
  rc.cmd = strings_of(&j, "cmd");
  rc.working_dir = j.value("working_dir", "");
  rc.user = j.value("user", "");
  return rc;
}

void write_run_config(const Store& store, const Digest& entry, const RunConfig& rc) {
  nlohmann::json j = {{"format", kFormat},      {"manifest", rc.manifest.str()}, {"layers", rc.layers},
                      {"env", rc.env},          {"entrypoint", rc.entrypoint},   {"cmd", rc.cmd},
                      {"working_dir", rc.working_dir}, {"user", rc.user}};
  make_dirs(run_config_path(store, entry).parent_path());
  write_file_atomic(run_config_path(store, entry), j.dump(1) + "\n");
}

RunConfig run_config_of(const StoredImage& image) {
  RunConfig rc;
  rc.manifest = image.manifest_digest;
  for (const auto& id : image.config.diff_ids()) rc.layers.emplace_back(id.hex());
  const nlohmann::json* runtime = image.config.runtime();
  rc.env = strings_of(runtime, "Env");
  rc.entrypoint = strings_of(runtime, "Entrypoint");
  rc.cmd = strings_of(runtime, "Cmd");
  rc.working_dir = string_of(runtime, "WorkingDir");
  rc.user = string_of(runtime, "User");
  return rc;
}

}  // namespace waybill::oci
