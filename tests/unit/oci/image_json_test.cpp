#include <catch2/catch.hpp>

#include "oci/image_json.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;

namespace {
std::string d(char c) { return "sha256:" + std::string(64, c); }
}  // namespace

TEST_CASE("media types of manifests, indexes, configs and layers, OCI and Docker") {
  CHECK(is_manifest_type(media::kOciManifest));
  CHECK(is_manifest_type(media::kDockerManifest));
  CHECK(is_index_type(media::kOciIndex));
  CHECK(is_index_type(media::kDockerManifestList));
  CHECK(is_config_type(media::kDockerConfig));
  CHECK(layer_compression(media::kOciLayer) == Compression::None);
  CHECK(layer_compression(media::kOciLayerGzip) == Compression::Gzip);
  CHECK(layer_compression(media::kOciLayerZstd) == Compression::Zstd);
  CHECK(layer_compression(media::kDockerLayer) == Compression::Gzip);
  CHECK(layer_compression(media::kDockerLayerTar) == Compression::None);
  CHECK_FALSE(layer_compression("application/vnd.example.other"));
}

TEST_CASE("an OCI manifest round-trips canonically") {
  std::string text = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + d('c') + R"(","size":10},
    "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + d('a') + R"(","size":20,
      "annotations":{"x":"y"}}],"annotations":{"org.example":"1"}})";
  Manifest m = parse_manifest(text, "test manifest");
  CHECK(m.config.digest.str() == d('c'));
  REQUIRE(m.layers.size() == 1);
  CHECK(m.layers[0].size == 20);
  CHECK(m.layers[0].annotations.at("x") == "y");
  std::string out = to_json(m);
  CHECK(to_json(parse_manifest(out, "again")) == out);
  CHECK(out.find(' ') == std::string::npos);
  CHECK(out.find("\"annotations\":{\"org.example\":\"1\"}") != std::string::npos);
}

TEST_CASE("a Docker v2 manifest and manifest list parse") {
  std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
    "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":")" + d('1') + R"("},
    "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":")" + d('2') + R"("}]})";
  CHECK(parse_manifest(manifest, "m").layers[0].media_type == media::kDockerLayer);
  std::string list = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7143,"digest":")" + d('3') +
                     R"(","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]})";
  Index i = parse_index(list, "list");
  REQUIRE(i.manifests[0].platform);
  CHECK(i.manifests[0].platform->str() == "linux/arm64/v8");
  CHECK(sniff_media_type(list) == media::kDockerManifestList);
  CHECK(sniff_media_type(R"({"schemaVersion":2,"manifests":[]})") == media::kOciIndex);
}

TEST_CASE("an image config keeps unknown fields and exposes diff_ids and labels") {
  std::string text = R"({"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
    "config":{"Env":["PATH=/bin"],"Labels":{"a":"b"}},"rootfs":{"type":"layers","diff_ids":[")" + d('e') + R"("]},
    "x-custom":{"kept":true}})";
  ImageConfig c = parse_config(text, "config");
  CHECK(c.diff_ids().size() == 1);
  CHECK(c.labels().at("a") == "b");
  CHECK(c.platform().str() == "linux/amd64");
  c.set_label("c", "d");
  ImageConfig again = parse_config(to_json(c), "again");
  CHECK(again.json["x-custom"]["kept"] == true);
  CHECK(again.labels().size() == 2);
}

TEST_CASE("malformed documents are refused with the reason") {
  auto reason = [](auto fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.message();
    }
    return std::string("no error");
  };
  CHECK(reason([] { parse_manifest("{", "m"); }).find("invalid m: not JSON") == 0);
  CHECK(reason([] { parse_manifest(R"({"schemaVersion":1})", "m"); }) == "invalid m: `schemaVersion` must be 2");
  CHECK(reason([] { parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:zz","size":1},"layers":[]})", "m"); })
            .find("digest `sha256:zz`") != std::string::npos);
  CHECK(reason([] { parse_index(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]})", "i"); })
            .find("not an image index") != std::string::npos);
  CHECK(reason([] { parse_config(R"({"rootfs":{"type":"layers","diff_ids":["nope"]}})", "c"); }).find("diff_id") != std::string::npos);
  CHECK(reason([] { parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + d('a') + R"(","size":-1},"layers":[]})", "m"); })
            .find("`size`") != std::string::npos);
}
