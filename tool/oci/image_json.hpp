#pragma once
// The JSON documents of the OCI image spec (and Docker's v2 equivalents, which are
// accepted wherever the OCI ones are): descriptors, manifests, indexes and image
// configs. Parsing validates what waybill relies on; serialising is canonical (keys
// sorted, no spaces), so the same content always has the same digest.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/digest.hpp"

namespace waybill::oci {

namespace media {
inline constexpr const char* kOciLayout = "1.0.0";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* kDockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr const char* kRefName = "org.opencontainers.image.ref.name";
}  // namespace media

enum class Compression { None, Gzip, Zstd };

bool is_manifest_type(std::string_view media_type);
bool is_index_type(std::string_view media_type);
bool is_config_type(std::string_view media_type);
// The compression of a layer media type; nullopt when it is not a layer type we read.
std::optional<Compression> layer_compression(std::string_view media_type);
const char* layer_media_type(Compression c);
const char* compression_name(Compression c);

struct Platform {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string str() const;  // "linux/amd64", "linux/arm64/v8"
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::vector<std::string> urls;
};

struct Manifest {
  std::string media_type;  // as written; may be empty for OCI manifests
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

// An image config, kept whole as JSON (unknown fields survive a round trip) with
// accessors for what waybill reads and writes.
struct ImageConfig {
  nlohmann::json json = nlohmann::json::object();

  std::vector<Digest> diff_ids() const;
  void set_diff_ids(const std::vector<Digest>& ids);
  std::map<std::string, std::string> labels() const;
  void set_label(const std::string& key, const std::string& value);
  std::string created() const;
  Platform platform() const;
  // The `config` object (Env, Cmd, Entrypoint, WorkingDir, User, ...), created if absent.
  nlohmann::json& runtime();
  const nlohmann::json* runtime() const;
};

// Parsers throw Error(Document) "invalid <what>: <reason>"; `what` names the source.
Descriptor parse_descriptor(const nlohmann::json& j, const std::string& what);
Manifest parse_manifest(std::string_view text, const std::string& what);
Index parse_index(std::string_view text, const std::string& what);
ImageConfig parse_config(std::string_view text, const std::string& what);
// The media type of a manifest or index document, from its mediaType field or, failing
// that, its shape (a `manifests` list means an index).
std::string sniff_media_type(std::string_view text);

nlohmann::json to_json(const Descriptor& d);
std::string to_json(const Manifest& m);
std::string to_json(const Index& i);
std::string to_json(const ImageConfig& c);

// Canonical serialisation: keys sorted, compact.
std::string canonical(const nlohmann::json& j);

}  // namespace waybill::oci
