#include <CLI/Version.hpp>

#include <cstdio>

#include "cli/verbs.hpp"
#include "render/module_api.hpp"
#include "util/build_info.hpp"
#include "util/module.hpp"

namespace waybill::cli {

int print_version() {
  std::printf("waybill %s\n", build_info::version);
  std::printf("  %-18s %s\n", "CLI11", CLI11_VERSION);
  try {
    const auto& m = load_module_table<DocumentModule>(kDocumentModuleName, kDocumentModuleEntry);
    for (const auto& [lib, ver] : m.library_versions()) std::printf("  %-18s %s\n", lib.c_str(), ver.c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "warning: %s\n", e.what());
    return 3;
  }
  return 0;
}

}  // namespace waybill::cli
