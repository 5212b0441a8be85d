#include "oci/image_json.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::oci {

using nlohmann::json;

namespace {

[[noreturn]] void invalid(const std::string& what, const std::string& why) {
  throw Error(ErrorKind::Document, "invalid " + what + ": " + why);
}

json parse_json(std::string_view text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    invalid(what, std::string("not JSON (") + printable(e.what(), 200) + ")");
  }
}

std::map<std::string, std::string> string_map(const json& j, const char* key, const std::string& what) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) invalid(what, std::string("`") + key + "` must be an object");
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) invalid(what, std::string("`") + key + "." + k + "` must be a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

std::string string_field(const json& j, const char* key, const std::string& what, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) invalid(what, std::string("`") + key + "` is missing");
    return {};
  }
  if (!it->is_string()) invalid(what, std::string("`") + key + "` must be a string");
  return it->get<std::string>();
}

void check_schema_version(const json& j, const std::string& what) {
  auto it = j.find("schemaVersion");
  if (it == j.end() || !it->is_number_integer() || it->get<int>() != 2)
    invalid(what, "`schemaVersion` must be 2");
}

}  // namespace

bool is_manifest_type(std::string_view t) { return t == media::kOciManifest || t == media::kDockerManifest; }
bool is_index_type(std::string_view t) { return t == media::kOciIndex || t == media::kDockerManifestList; }
bool is_config_type(std::string_view t) { return t == media::kOciConfig || t == media::kDockerConfig; }

std::optional<Compression> layer_compression(std::string_view t) {
  if (t == media::kOciLayer || t == media::kDockerLayerTar) return Compression::None;
  if (t == media::kOciLayerGzip || t == media::kDockerLayer || t == media::kDockerForeignLayer) return Compression::Gzip;
  if (t == media::kOciLayerZstd) return Compression::Zstd;
  return std::nullopt;
}

const char* layer_media_type(Compression c) {
  switch (c) {
    case Compression::None: return media::kOciLayer;
    case Compression::Gzip: return media::kOciLayerGzip;
    case Compression::Zstd: return media::kOciLayerZstd;
  }
  return media::kOciLayer;
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
  }
  return "none";
}

std::string Platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

Descriptor parse_descriptor(const json& j, const std::string& what) {
  if (!j.is_object()) invalid(what, "a descriptor must be an object");
  Descriptor d;
  d.media_type = string_field(j, "mediaType", what, true);
  std::string digest = string_field(j, "digest", what, true);
  std::string why;
  auto parsed = Digest::try_parse(digest, &why);
  if (!parsed) invalid(what, "digest `" + digest + "`: " + why);
  d.digest = *parsed;
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() || size->get<int64_t>() < 0)
    invalid(what, "`size` must be a non-negative integer");
  d.size = size->get<int64_t>();
  d.annotations = string_map(j, "annotations", what);
  if (auto p = j.find("platform"); p != j.end() && p->is_object()) {
    Platform pl;
    pl.architecture = string_field(*p, "architecture", what, true);
    pl.os = string_field(*p, "os", what, true);
    pl.variant = string_field(*p, "variant", what, false);
    d.platform = pl;
  }
  if (auto u = j.find("urls"); u != j.end() && u->is_array())
    for (auto& url : *u)
      if (url.is_string()) d.urls.push_back(url.get<std::string>());
  return d;
}

json to_json(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) {
    json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    j["platform"] = p;
  }
  if (!d.urls.empty()) j["urls"] = d.urls;
  return j;
}

std::string sniff_media_type(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return {};
  if (auto t = j.find("mediaType"); t != j.end() && t->is_string()) return t->get<std::string>();
  if (j.contains("manifests")) return media::kOciIndex;
  if (j.contains("layers") && j.contains("config")) return media::kOciManifest;
  return {};
}

Manifest parse_manifest(std::string_view text, const std::string& what) {
  json j = parse_json(text, what);
  if (!j.is_object()) invalid(what, "a manifest must be a JSON object");
  check_schema_version(j, what);
  Manifest m;
  m.media_type = string_field(j, "mediaType", what, false);
  if (!m.media_type.empty() && !is_manifest_type(m.media_type))
    invalid(what, "`mediaType` is `" + m.media_type + "`, not an image manifest");
  auto config = j.find("config");
  if (config == j.end()) invalid(what, "`config` is missing");
  m.config = parse_descriptor(*config, what + " (config)");
  auto layers = j.find("layers");
  if (layers == j.end() || !layers->is_array()) invalid(what, "`layers` must be a list");
  for (auto& l : *layers) m.layers.push_back(parse_descriptor(l, what + " (layer)"));
  m.annotations = string_map(j, "annotations", what);
  return m;
}

std::string to_json(const Manifest& m) {
  json j = {{"schemaVersion", 2}, {"mediaType", m.media_type.empty() ? media::kOciManifest : m.media_type},
            {"config", to_json(m.config)}, {"layers", json::array()}};
  for (const auto& l : m.layers) j["layers"].push_back(to_json(l));
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return canonical(j);
}

Index parse_index(std::string_view text, const std::string& what) {
  json j = parse_json(text, what);
  if (!j.is_object()) invalid(what, "an index must be a JSON object");
  check_schema_version(j, what);
  Index i;
  i.media_type = string_field(j, "mediaType", what, false);
  if (!i.media_type.empty() && !is_index_type(i.media_type))
    invalid(what, "`mediaType` is `" + i.media_type + "`, not an image index");
  auto list = j.find("manifests");
  if (list == j.end() || !list->is_array()) invalid(what, "`manifests` must be a list");
  for (auto& d : *list) i.manifests.push_back(parse_descriptor(d, what + " (manifest)"));
  i.annotations = string_map(j, "annotations", what);
  return i;
}

std::string to_json(const Index& i) {
  json j = {{"schemaVersion", 2}, {"mediaType", i.media_type.empty() ? media::kOciIndex : i.media_type},
            {"manifests", json::array()}};
  for (const auto& d : i.manifests) j["manifests"].push_back(to_json(d));
  if (!i.annotations.empty()) j["annotations"] = i.annotations;
  return canonical(j);
}

ImageConfig parse_config(std::string_view text, const std::string& what) {
  ImageConfig c;
  c.json = parse_json(text, what);
  if (!c.json.is_object()) invalid(what, "an image config must be a JSON object");
  auto rootfs = c.json.find("rootfs");
  if (rootfs == c.json.end() || !rootfs->is_object()) invalid(what, "`rootfs` is missing");
  if (rootfs->value("type", "") != "layers") invalid(what, "`rootfs.type` must be `layers`");
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end() || !ids->is_array()) invalid(what, "`rootfs.diff_ids` must be a list");
  for (auto& id : *ids) {
    std::string why;
    if (!id.is_string() || !Digest::try_parse(id.get<std::string>(), &why))
      invalid(what, "a diff_id is not a digest" + (why.empty() ? std::string() : ": " + why));
  }
  if (auto cfg = c.json.find("config"); cfg != c.json.end() && !cfg->is_null() && !cfg->is_object())
    invalid(what, "`config` must be an object");
  return c;
}

std::string to_json(const ImageConfig& c) { return canonical(c.json); }

std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

std::vector<Digest> ImageConfig::diff_ids() const {
  std::vector<Digest> out;
  auto rootfs = json.find("rootfs");
  if (rootfs == json.end()) return out;
  for (auto& id : rootfs->value("diff_ids", nlohmann::json::array())) out.push_back(Digest::parse(id.get<std::string>()));
  return out;
}

void ImageConfig::set_diff_ids(const std::vector<Digest>& ids) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : ids) list.push_back(d.str());
  json["rootfs"] = {{"type", "layers"}, {"diff_ids", list}};
}

std::map<std::string, std::string> ImageConfig::labels() const {
  std::map<std::string, std::string> out;
  const nlohmann::json* r = runtime();
  if (!r) return out;
  auto l = r->find("Labels");
  if (l == r->end() || !l->is_object()) return out;
  for (auto& [k, v] : l->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

void ImageConfig::set_label(const std::string& key, const std::string& value) { runtime()["Labels"][key] = value; }

std::string ImageConfig::created() const { return json.value("created", ""); }

Platform ImageConfig::platform() const {
  return Platform{json.value("architecture", ""), json.value("os", ""), json.value("variant", "")};
}

nlohmann::json& ImageConfig::runtime() {
  auto& c = json["config"];
  if (!c.is_object()) c = nlohmann::json::object();
  return c;
}

const nlohmann::json* ImageConfig::runtime() const {
  auto it = json.find("config");
  return it != json.end() && it->is_object() ? &*it : nullptr;
}

}  // namespace waybill::oci
