#pragma once
// The document module (render, check, verify, keys), loaded on first use and checked
// against this binary.
#include "render/module_api.hpp"
#include "util/error.hpp"
#include "util/module.hpp"

namespace waybill::cli {

inline const DocumentModule& document_module() {
  const auto& module = load_module_table<DocumentModule>(kDocumentModuleName, kDocumentModuleEntry);
  if (module.abi != kDocumentModuleAbi)
    throw Error(ErrorKind::Environment, "the document module does not match this waybill binary", {},
                "reinstall waybill");
  return module;
}

}  // namespace waybill::cli
