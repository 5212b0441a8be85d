// Reading the registries configuration (see registry_config.hpp).
#include "oci/registry_config.hpp"

#include <cstdlib>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<fs::path> config_candidates() {
  if (const char* env = std::getenv("WAYBILL_REGISTRIES"); env && *env) return {env};
  return {user_config_directory() / "waybill/registries.json", "/etc/waybill/registries.json"};
}

std::vector<std::string> string_list(const json& j, const std::string& where, const fs::path& file) {
  std::vector<std::string> out;
  if (j.is_string()) return {j.get<std::string>()};
  if (!j.is_array())
    throw Error(ErrorKind::Usage, file.string() + ": " + where + " must be a list of strings", {},
                "for example \"mirrors\": [\"mirror.example:5000\"]");
  for (const auto& item : j) {
    if (!item.is_string()) throw Error(ErrorKind::Usage, file.string() + ": " + where + " must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// certs.d directories: where podman and Docker look for a registry's CA.
void add_certs_dirs(const std::string& host, RegistrySettings& s) {
  for (const char* root : {"/etc/containers/certs.d/", "/etc/docker/certs.d/"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(root) / host, ec))
      if (e.path().extension() == ".crt") s.ca_files.push_back(e.path().string());
  }
}

}  // namespace

json parse_json_config(const std::string& text, const fs::path& file, const std::string& hint) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    std::string why = e.what();
    if (auto p = why.find("syntax error"); p != std::string::npos) why = why.substr(p);
    throw Error(ErrorKind::Usage, "invalid JSON: " + why, SourceLoc::at_byte(file.string(), text, at), hint);
  } catch (const json::exception& e) {  // out_of_range: a number like 1e400
    throw Error(ErrorKind::Usage, "invalid JSON: " + printable(e.what(), 200), SourceLoc{file.string(), 0, 0}, hint);
  }
}

RegistryConfig RegistryConfig::load() {
  for (const auto& f : config_candidates())
    if (auto text = read_file_if_exists(f)) return parse(*text, f);
  return {};
}

RegistryConfig RegistryConfig::parse(const std::string& text, const fs::path& file) {
  const std::string hint = "see `Registries` in the documentation for the file's shape";
  json j = parse_json_config(text, file, hint);
  RegistryConfig c;
  c.file = file;
  if (!j.is_object()) throw Error(ErrorKind::Usage, file.string() + ": the configuration must be a JSON object", {}, hint);
  for (const auto& [key, value] : j.items()) {
    if (key == "chunk_size") {
      if (!value.is_number_integer() || value.get<int64_t>() < 4096)
        throw Error(ErrorKind::Usage, file.string() + ": chunk_size must be a number of bytes, at least 4096");
      c.chunk_size = value.get<int64_t>();
    } else if (key == "registries") {
      if (!value.is_object()) throw Error(ErrorKind::Usage, file.string() + ": `registries` must be an object keyed by host", {}, hint);
      for (const auto& [host, entry] : value.items()) {
        RegistrySettings s;
        if (!entry.is_object()) throw Error(ErrorKind::Usage, file.string() + ": registries." + host + " must be an object", {}, hint);
        for (const auto& [field, v] : entry.items()) {
          std::string where = "registries." + host + "." + field;
          if (field == "insecure") {
            if (!v.is_boolean()) throw Error(ErrorKind::Usage, file.string() + ": " + where + " must be true or false");
            s.insecure = v.get<bool>();
          } else if (field == "ca") {
            for (auto& f : string_list(v, where, file)) {
              fs::path p(f);
              s.ca_files.push_back((p.is_relative() ? file.parent_path() / p : p).string());
            }
          } else if (field == "mirrors") {
            s.mirrors = string_list(v, where, file);
          } else {
            throw Error(ErrorKind::Usage, file.string() + ": unknown setting " + where, {}, "use insecure, ca or mirrors");
          }
        }
        c.registries[host] = std::move(s);
      }
    } else {
      throw Error(ErrorKind::Usage, file.string() + ": unknown setting `" + key + "`", {}, "use registries or chunk_size");
    }
  }
  return c;
}

RegistrySettings RegistryConfig::settings(const std::string& host) const {
  RegistrySettings s;
  if (auto it = registries.find(host); it != registries.end()) s = it->second;
  add_certs_dirs(host, s);
  return s;
}

std::string registry_endpoint(const std::string& registry) {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

}  // namespace waybill::oci
