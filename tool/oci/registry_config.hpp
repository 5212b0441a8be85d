#pragma once
// How to reach registries: per-registry mirrors, plain HTTP or unverified TLS (only
// where configured), and extra CA certificates. Read from a JSON file:
//
//   {"registries": {"127.0.0.1:5000": {"ca": ["ca.pem"], "mirrors": ["mirror:5000"]},
//                   "mirror:5000": {"insecure": true}},
//    "chunk_size": 33554432}
//
// found at $WAYBILL_REGISTRIES, else $XDG_CONFIG_HOME/waybill/registries.json (~/.config
// for it), else /etc/waybill/registries.json. CA certificates are also taken from the
// directories podman and Docker use: /etc/containers/certs.d/HOST/*.crt and
// /etc/docker/certs.d/HOST/*.crt.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace waybill::oci {

struct RegistrySettings {
  bool insecure = false;
  std::vector<std::string> ca_files;
  std::vector<std::string> mirrors;  // hosts tried, in order, before the registry itself
};

struct RegistryConfig {
  std::map<std::string, RegistrySettings> registries;
  // Blobs larger than this are pushed in PATCH chunks of this size; smaller ones in one PUT.
  int64_t chunk_size = 64LL << 20;
  std::filesystem::path file;  // where it was read from; empty when there was none

  // Reads the configuration file, if any. A broken file is Error(Usage) at its line.
  static RegistryConfig load();
  static RegistryConfig parse(const std::string& text, const std::filesystem::path& file);

  // The settings for `host` with the certs.d directories' CAs added.
  RegistrySettings settings(const std::string& host) const;
};

// Parses a JSON configuration file (registries, credentials); a syntax error is
// Error(Usage) at its line and column, with `hint`.
nlohmann::json parse_json_config(const std::string& text, const std::filesystem::path& file, const std::string& hint);

// The host to connect to for a registry name: Docker Hub's API is not at docker.io.
std::string registry_endpoint(const std::string& registry);

}  // namespace waybill::oci
