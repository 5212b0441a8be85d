#pragma once
// The document module (util/module.hpp): the driver, the writers, provenance and sites.
// The CLI fills the request structs and calls these; each goes through the checked C
// table of util/module_call.hpp and throws the Error the module replied with.
#include <string>
#include <vector>

#include "driver/check.hpp"
#include "driver/dockerfile_blocks.hpp"
#include "driver/render_documents.hpp"
#include "prov/signing.hpp"
#include "prov/verify.hpp"
#include "site/serve.hpp"
#include "site/site_build.hpp"
#include "util/module_call.hpp"

namespace waybill {

inline constexpr ModuleId kDocumentModule{"document", "waybill_document_module", 9};

namespace document_module {

std::vector<driver::RenderedOutput> render(const driver::RenderRequest& request, Reporter& reporter);
// The document's Dockerfile blocks, in order (`waybill build -f DOC`).
std::vector<driver::DockerfileBlock> dockerfile_blocks(const std::string& file, Reporter& reporter);
// `waybill check`: drift is in the outcome, not an error.
driver::CheckOutcome check(const driver::CheckRequest& request, Reporter& reporter);
prov::VerifyReport verify(const prov::VerifyRequest& request);
prov::KeyFiles generate_key(const std::string& prefix);
// `waybill site DIR`: a failing page is in the outcome (and reported), not an error.
site::SiteOutcome site(const site::SiteRequest& request, Reporter& reporter);
// `waybill site --serve`: builds, serves and builds again on every change until a signal.
void serve(const site::SiteRequest& request, const site::ServeOptions& options, Reporter& reporter);
// `waybill preview DOC`: renders, serves and renders again on every save until a signal.
void preview(const driver::RenderRequest& request, const site::ServeOptions& options, Reporter& reporter);
LibraryVersions library_versions();

}  // namespace document_module

}  // namespace waybill
