// The document module's one exported symbol (util/module_call.hpp). Everything else in
// the module is hidden.
#include <cmark-gfm.h>
#include <openssl/crypto.h>
#include <png.h>
#include <libfyaml.h>

#include <nlohmann/json.hpp>

#include "modules/document_api.hpp"
#include "modules/document_wire.hpp"
#include "site/enclosing_project.hpp"
#include "site/preview.hpp"
#include "util/build_info.hpp"
#include "util/report.hpp"

namespace waybill {

namespace {

using nlohmann::json;

json render_verb(const json& j, Reporter& reporter) {
  auto request = j.get<driver::RenderRequest>();
  site::EnclosingProjects projects(request.grants);
  request.projects = &projects;
  return driver::render_documents(request, reporter);
}

json dockerfile_blocks_verb(const json& file, Reporter& reporter) {
  site::EnclosingProjects projects{plan::Grants{}};
  return driver::dockerfile_blocks(file.get<std::string>(), plan::Grants{}, &projects, reporter);
}

json check_verb(const json& j, Reporter& reporter) {
  auto request = j.get<driver::CheckRequest>();
  site::EnclosingProjects projects(request.grants);
  request.projects = &projects;
  return driver::check_documents(request, reporter);
}

json verify_verb(const json& j, Reporter&) { return prov::verify_record(j.get<prov::VerifyRequest>()); }

json generate_key_verb(const json& prefix, Reporter&) { return prov::generate_key_pair(prefix.get<std::string>()); }

json site_verb(const json& j, Reporter& reporter) { return site::build_site(j.get<site::SiteRequest>(), reporter); }

json serve_verb(const json& j, Reporter& reporter) {
  site::serve_site(j.at("request").get<site::SiteRequest>(), j.at("options").get<site::ServeOptions>(), reporter);
  return nullptr;
}

json preview_verb(const json& j, Reporter& reporter) {
  site::preview_document(j.at("request").get<driver::RenderRequest>(), j.at("options").get<site::ServeOptions>(),
                         reporter);
  return nullptr;
}

json versions_verb(const json&, Reporter&) {
  return LibraryVersions{
      {"cmark-gfm", cmark_version_string()},
      {"libfyaml", fy_library_version()},
      {"nlohmann-json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                            "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
      {"kainjow-mustache", build_info::mustache_version},
      {"source-highlight", build_info::source_highlight_version},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"libpng", png_get_libpng_ver(nullptr)},
  };
}

constexpr ModuleVerb kVerbs[] = {
    {"render", render_verb}, {"dockerfile_blocks", dockerfile_blocks_verb},
    {"check", check_verb},   {"verify", verify_verb},
    {"generate_key", generate_key_verb}, {"site", site_verb},
    {"serve", serve_verb},   {"preview", preview_verb},
    {"library_versions", versions_verb}};

int call(wb_bytes verb, wb_bytes request, const wb_reporter* reporter, const wb_sink* reply) {
  return answer_module_call(kVerbs, verb, request, reporter, reply);
}

const wb_module_table kTable{kDocumentModule.abi, call};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const wb_module_table* waybill_document_module() {
  return &waybill::kTable;
}
