#pragma once
// The document module's entry table (see util/module.hpp). The CLI fills the request
// structs, the module does the work; errors come back as values, never as exceptions.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "render/render.hpp"
#include "util/error.hpp"

namespace waybill {

struct DocumentModule {
  int abi;  // kDocumentModuleAbi of the build that made the module
  std::optional<Error> (*render)(const render::RenderRequest& request, Reporter& reporter,
                                 std::vector<render::RenderedOutput>& outputs);
  // (library, version) for every library the module links.
  std::vector<std::pair<std::string, std::string>> (*library_versions)();
};

inline constexpr int kDocumentModuleAbi = 1;
inline constexpr const char* kDocumentModuleName = "document";
inline constexpr const char* kDocumentModuleEntry = "waybill_document_module";

}  // namespace waybill
