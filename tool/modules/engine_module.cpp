// The engine module's one exported symbol (util/module.hpp): the image verbs
// (modules/image_verbs.hpp) and builds (build/base_policy.hpp) behind a table whose
// entries return errors as values.
#include <archive.h>
#include <curl/curl.h>
#include <libdeflate.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include <zstd.h>

#include "build/base_policy.hpp"
#include "modules/image_verbs.hpp"
#include "oci/module_api.hpp"
#include "util/error.hpp"

namespace waybill {

namespace {

std::optional<Error> image_entry(const ImageRequest& r, Reporter& rep, ImageResponse& resp) {
  return capture_error([&] { resp = run_image_verb(r, rep); });
}

std::optional<Error> prepare_run_entry(const std::string& home, const std::string& image, Reporter& rep) {
  return capture_error([&] { prepare_image_run(home, image, rep); });
}

std::optional<Error> build_entry(const BuildRequest& r, Reporter& rep, BuildResponse& resp) {
  return capture_error([&] { resp = build::build_from_request(r, rep); });
}

std::vector<std::pair<std::string, std::string>> versions() {
  std::string zstd = ZSTD_versionString();
  return {{"libarchive", archive_version_details()},
          {"zlib", zlibVersion()},
          {"zstd", zstd},
          {"libdeflate", LIBDEFLATE_VERSION_STRING},
          {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
          {"libcurl", curl_version_info(CURLVERSION_NOW)->version}};
}

const EngineModule kModule{kEngineModule.abi, image_entry, versions, prepare_run_entry, build_entry};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const waybill::EngineModule* waybill_engine_module() {
  return &waybill::kModule;
}
