// Credentials files (see credentials.hpp).
#include "oci/credentials.hpp"

#include <cstdlib>

#include "oci/registry_config.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The keys a registry may be filed under: "host", "https://host", "host/v1/"; Docker
// Hub's own name for itself.
bool key_names(const std::string& key, const std::string& registry) {
  std::string k = key;
  for (const char* scheme : {"https://", "http://"})
    if (k.starts_with(scheme)) k = k.substr(std::string(scheme).size());
  if (auto slash = k.find('/'); slash != std::string::npos) k = k.substr(0, slash);
  if (k == registry) return true;
  return registry == "docker.io" && (k == "index.docker.io" || k == "registry-1.docker.io");
}

json read_auth_file(const fs::path& file) {
  auto text = read_file_if_exists(file);
  if (!text || text->empty()) return json::object();
  json j = parse_json_config(*text, file, "fix the file, or remove it and log in again");
  if (!j.is_object()) throw Error(ErrorKind::Usage, file.string() + ": a credentials file must be a JSON object");
  return j;
}

std::optional<Credential> decode(const json& entry, const fs::path& file, const std::string& key) {
  if (!entry.is_object() || !entry.contains("auth") || !entry["auth"].is_string()) return std::nullopt;
  auto plain = base64_decode(entry["auth"].get<std::string>());
  size_t colon = plain ? plain->find(':') : std::string::npos;
  if (colon == std::string::npos)
    throw Error(ErrorKind::Usage, file.string() + ": the `auth` of " + key + " is not base64 of user:password", {},
                "log in again: waybill login " + key);
  return Credential{plain->substr(0, colon), plain->substr(colon + 1), file};
}

}  // namespace

std::vector<fs::path> credential_files(const std::string& authfile) {
  std::vector<fs::path> out;
  if (!authfile.empty()) out.push_back(authfile);
  if (!env("REGISTRY_AUTH_FILE").empty()) out.push_back(env("REGISTRY_AUTH_FILE"));
  if (!env("XDG_RUNTIME_DIR").empty()) out.push_back(fs::path(env("XDG_RUNTIME_DIR")) / "containers/auth.json");
  out.push_back(user_config_directory() / "containers/auth.json");
  out.push_back((env("DOCKER_CONFIG").empty() ? home_directory() / ".docker" : fs::path(env("DOCKER_CONFIG"))) / "config.json");
  out.push_back(home_directory() / ".dockercfg");
  return out;
}

std::optional<Credential> find_credential(const std::string& registry, const std::string& authfile) {
  for (const auto& file : credential_files(authfile)) {
    json j = read_auth_file(file);
    // ~/.dockercfg is the old shape: the entries without the "auths" level.
    const json& auths = j.contains("auths") ? j["auths"] : (file.filename() == ".dockercfg" ? j : json::object());
    if (!auths.is_object()) continue;
    for (const auto& [key, entry] : auths.items())
      if (key_names(key, registry))
        if (auto c = decode(entry, file, key)) return c;
  }
  return std::nullopt;
}

fs::path login_file(const std::string& authfile) {
  if (!authfile.empty()) return authfile;
  if (!env("REGISTRY_AUTH_FILE").empty()) return env("REGISTRY_AUTH_FILE");
  return user_config_directory() / "containers/auth.json";
}

namespace {

void write_auth_file(const fs::path& file, const json& j) {
  if (file.has_parent_path()) make_dirs(file.parent_path());
  write_file_atomic(file, j.dump(1, '\t') + "\n", 0600);
}

}  // namespace

void save_credential(const fs::path& file, const std::string& registry, const std::string& username,
                     const std::string& password) {
  json j = read_auth_file(file);
  if (!j.contains("auths") || !j["auths"].is_object()) j["auths"] = json::object();
  for (auto it = j["auths"].begin(); it != j["auths"].end();)
    it = key_names(it.key(), registry) ? j["auths"].erase(it) : std::next(it);
  j["auths"][registry] = {{"auth", base64_encode(username + ":" + password)}};
  write_auth_file(file, j);
}

bool remove_credential(const fs::path& file, const std::string& registry) {
  json j = read_auth_file(file);
  if (!j.contains("auths") || !j["auths"].is_object()) return false;
  bool removed = false;
  for (auto it = j["auths"].begin(); it != j["auths"].end();) {
    if (key_names(it.key(), registry)) {
      it = j["auths"].erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  if (removed) write_auth_file(file, j);
  return removed;
}

size_t remove_all_credentials(const fs::path& file) {
  json j = read_auth_file(file);
  if (!j.contains("auths") || !j["auths"].is_object()) return 0;
  size_t n = j["auths"].size();
  j["auths"] = json::object();
  if (n) write_auth_file(file, j);
  return n;
}

}  // namespace waybill::oci
