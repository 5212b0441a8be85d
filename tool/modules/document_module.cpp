// The document module's one exported symbol. Everything else in the module is hidden.
#include <cmark-gfm.h>
#include <openssl/crypto.h>
#include <png.h>
#include <libfyaml.h>

#include <nlohmann/json.hpp>

#include "driver/check.hpp"
#include "driver/dockerfile_blocks.hpp"
#include "driver/render_documents.hpp"
#include "modules/document_api.hpp"
#include "site/enclosing_project.hpp"
#include "site/preview.hpp"
#include "util/build_info.hpp"
#include "util/report.hpp"

namespace waybill {

namespace {

std::optional<Error> render_entry(const driver::RenderRequest& request, Reporter& reporter,
                                  std::vector<driver::RenderedOutput>& outputs) {
  return capture_error([&] {
    site::EnclosingProjects projects(request.grants);
    driver::RenderRequest r = request;
    r.projects = &projects;
    outputs = driver::render_documents(r, reporter);
  });
}

std::vector<std::pair<std::string, std::string>> versions() {
  return {
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

std::optional<Error> images_entry(const std::string& file, Reporter& reporter,
                                  std::vector<driver::DockerfileBlock>& images) {
  return capture_error([&] {
    site::EnclosingProjects projects{plan::Grants{}};
    images = driver::dockerfile_blocks(file, plan::Grants{}, &projects, reporter);
  });
}

std::optional<Error> check_entry(const driver::CheckRequest& request, Reporter& reporter, driver::CheckOutcome& outcome) {
  return capture_error([&] {
    site::EnclosingProjects projects(request.grants);
    driver::CheckRequest r = request;
    r.projects = &projects;
    outcome = driver::check_documents(r, reporter);
  });
}

std::optional<Error> verify_entry(const prov::VerifyRequest& request, prov::VerifyReport& report) {
  return capture_error([&] { report = prov::verify_record(request); });
}

std::optional<Error> key_generate_entry(const std::string& prefix, prov::KeyFiles& files) {
  return capture_error([&] { files = prov::generate_key_pair(prefix); });
}

std::optional<Error> site_entry(const site::SiteRequest& request, Reporter& reporter, site::SiteOutcome& outcome) {
  return capture_error([&] { outcome = site::build_site(request, reporter); });
}

std::optional<Error> serve_entry(const site::SiteRequest& request, const site::ServeOptions& options, Reporter& reporter) {
  return capture_error([&] { site::serve_site(request, options, reporter); });
}

std::optional<Error> preview_entry(const driver::RenderRequest& request, const site::ServeOptions& options,
                                   Reporter& reporter) {
  return capture_error([&] { site::preview_document(request, options, reporter); });
}

const DocumentModule kModule{kDocumentModule.abi, render_entry,       versions,   images_entry, check_entry,
                             verify_entry,       key_generate_entry, site_entry, serve_entry, preview_entry};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const waybill::DocumentModule* waybill_document_module() {
  return &waybill::kModule;
}
