// The engine module's one exported symbol (util/module_call.hpp): the image verbs
// (modules/image_verbs.hpp) and builds (build/base_policy.hpp) behind a C table.
#include <archive.h>
#include <curl/curl.h>
#include <libdeflate.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include <zstd.h>

#include "build/base_policy.hpp"
#include "modules/image_verbs.hpp"
#include "oci/module_wire.hpp"

namespace waybill {

namespace {

using nlohmann::json;

json image_verb(const json& request, Reporter& reporter) { return run_image_verb(request.get<ImageRequest>(), reporter); }

json prepare_run_verb(const json& request, Reporter& reporter) {
  prepare_image_run(request.at("home").get<std::string>(), request.at("image").get<std::string>(), reporter);
  return nullptr;
}

json build_verb(const json& request, Reporter& reporter) {
  return build::build_from_request(request.get<BuildRequest>(), reporter);
}

json versions_verb(const json&, Reporter&) {
  return LibraryVersions{{"libarchive", archive_version_details()},
                         {"zlib", zlibVersion()},
                         {"zstd", ZSTD_versionString()},
                         {"libdeflate", LIBDEFLATE_VERSION_STRING},
                         {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
                         {"libcurl", curl_version_info(CURLVERSION_NOW)->version}};
}

constexpr ModuleVerb kVerbs[] = {
    {"image", image_verb}, {"prepare_run", prepare_run_verb}, {"build", build_verb}, {"library_versions", versions_verb}};

int call(wb_bytes verb, wb_bytes request, const wb_reporter* reporter, const wb_sink* reply) {
  return answer_module_call(kVerbs, verb, request, reporter, reply);
}

const wb_module_table kTable{kEngineModule.abi, call};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const wb_module_table* waybill_engine_module() {
  return &waybill::kTable;
}
