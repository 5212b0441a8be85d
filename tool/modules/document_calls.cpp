// The document module's facade: each verb's request encoded, its reply decoded.
#include "modules/document_api.hpp"
#include "modules/document_wire.hpp"

namespace waybill::document_module {

std::vector<driver::RenderedOutput> render(const driver::RenderRequest& request, Reporter& reporter) {
  return call_module(kDocumentModule, "render", request, reporter).get<std::vector<driver::RenderedOutput>>();
}

std::vector<driver::DockerfileBlock> dockerfile_blocks(const std::string& file, Reporter& reporter) {
  return call_module(kDocumentModule, "dockerfile_blocks", file, reporter).get<std::vector<driver::DockerfileBlock>>();
}

driver::CheckOutcome check(const driver::CheckRequest& request, Reporter& reporter) {
  return call_module(kDocumentModule, "check", request, reporter).get<driver::CheckOutcome>();
}

prov::VerifyReport verify(const prov::VerifyRequest& request) {
  return call_module(kDocumentModule, "verify", request).get<prov::VerifyReport>();
}

prov::KeyFiles generate_key(const std::string& prefix) {
  return call_module(kDocumentModule, "generate_key", prefix).get<prov::KeyFiles>();
}

site::SiteOutcome site(const site::SiteRequest& request, Reporter& reporter) {
  return call_module(kDocumentModule, "site", request, reporter).get<site::SiteOutcome>();
}

void serve(const site::SiteRequest& request, const site::ServeOptions& options, Reporter& reporter) {
  call_module(kDocumentModule, "serve", {{"request", request}, {"options", options}}, reporter);
}

void preview(const driver::RenderRequest& request, const site::ServeOptions& options, Reporter& reporter) {
  call_module(kDocumentModule, "preview", {{"request", request}, {"options", options}}, reporter);
}

LibraryVersions library_versions() { return module_library_versions(kDocumentModule); }

}  // namespace waybill::document_module
