#pragma once
// The document module's entry table (see util/module.hpp). The CLI fills the request
// structs, the module does the work; errors come back as values, never as exceptions.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oci/module_api.hpp"
#include "prov/check.hpp"
#include "prov/signing.hpp"
#include "prov/verify.hpp"
#include "render/render.hpp"
#include "site/serve.hpp"
#include "site/site_build.hpp"
#include "util/error.hpp"

namespace waybill {

// A Dockerfile block of a document (```dockerfile {#name}), for `waybill build -f`.
struct DocumentImage {
  std::string name;
  std::string dockerfile;
  int first_line = 0;  // the document line of the Dockerfile's first line
  std::vector<BaseRecipe> bases;  // the manifest's `bases`, for FROM images the store lacks
};

struct DocumentModule {
  int abi;  // kDocumentModuleAbi of the build that made the module
  std::optional<Error> (*render)(const render::RenderRequest& request, Reporter& reporter,
                                 std::vector<render::RenderedOutput>& outputs);
  // (library, version) for every library the module links.
  std::vector<std::pair<std::string, std::string>> (*library_versions)();
  // The document's Dockerfile blocks, in order.
  std::optional<Error> (*images)(const std::string& file, Reporter& reporter, std::vector<DocumentImage>& images);
  // `waybill check`: drift is in the outcome, not an error.
  std::optional<Error> (*check)(const prov::CheckRequest& request, Reporter& reporter, prov::CheckOutcome& outcome);
  std::optional<Error> (*verify)(const prov::VerifyRequest& request, prov::VerifyReport& report);
  std::optional<Error> (*key_generate)(const std::string& prefix, prov::KeyFiles& files);
  // `waybill site DIR`: a failing page is in the outcome (and reported), not an error.
  std::optional<Error> (*site)(const site::SiteRequest& request, Reporter& reporter, site::SiteOutcome& outcome);
  std::optional<Error> (*serve)(const site::SiteRequest& request, const site::ServeOptions& options, Reporter& reporter);
  // `waybill preview DOC`: renders, serves and renders again on every save until a signal.
  std::optional<Error> (*preview)(const render::RenderRequest& request, const site::ServeOptions& options,
                                  Reporter& reporter);
};

inline constexpr int kDocumentModuleAbi = 7;
inline constexpr const char* kDocumentModuleName = "document";
inline constexpr const char* kDocumentModuleEntry = "waybill_document_module";

}  // namespace waybill
