#pragma once
// The document module's entry table (see util/module.hpp). The CLI fills the request
// structs, the module does the work; errors come back as values, never as exceptions.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/check.hpp"
#include "driver/dockerfile_blocks.hpp"
#include "driver/render_documents.hpp"
#include "prov/signing.hpp"
#include "prov/verify.hpp"
#include "site/serve.hpp"
#include "site/site_build.hpp"
#include "util/error.hpp"
#include "util/module.hpp"

namespace waybill {

struct DocumentModule {
  int abi;  // kDocumentModule.abi of the build that made the module
  std::optional<Error> (*render)(const driver::RenderRequest& request, Reporter& reporter,
                                 std::vector<driver::RenderedOutput>& outputs);
  // (library, version) for every library the module links.
  std::vector<std::pair<std::string, std::string>> (*library_versions)();
  // The document's Dockerfile blocks, in order.
  std::optional<Error> (*images)(const std::string& file, Reporter& reporter, std::vector<driver::DockerfileBlock>& images);
  // `waybill check`: drift is in the outcome, not an error.
  std::optional<Error> (*check)(const driver::CheckRequest& request, Reporter& reporter, driver::CheckOutcome& outcome);
  std::optional<Error> (*verify)(const prov::VerifyRequest& request, prov::VerifyReport& report);
  std::optional<Error> (*key_generate)(const std::string& prefix, prov::KeyFiles& files);
  // `waybill site DIR`: a failing page is in the outcome (and reported), not an error.
  std::optional<Error> (*site)(const site::SiteRequest& request, Reporter& reporter, site::SiteOutcome& outcome);
  std::optional<Error> (*serve)(const site::SiteRequest& request, const site::ServeOptions& options, Reporter& reporter);
  // `waybill preview DOC`: renders, serves and renders again on every save until a signal.
  std::optional<Error> (*preview)(const driver::RenderRequest& request, const site::ServeOptions& options,
                                  Reporter& reporter);
};

inline constexpr ModuleId kDocumentModule{"document", "waybill_document_module", 8};

// The module's table, loaded and checked (util/module.hpp).
inline const DocumentModule& document_module() { return load_module<DocumentModule>(kDocumentModule); }

}  // namespace waybill
