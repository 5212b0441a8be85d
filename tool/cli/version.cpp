#include <CLI/Version.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/verbs.hpp"
#include "box/module_api.hpp"
#include "oci/module_api.hpp"
#include "render/module_api.hpp"
#include "util/build_info.hpp"
#include "util/module.hpp"

namespace waybill::cli {

int print_version() {
  std::printf("waybill %s\n", build_info::version);
  std::printf("  %-18s %s\n", "CLI11", CLI11_VERSION);
  // Each library once, in the order the modules name them.
  std::vector<std::pair<std::string, std::string>> libs;
  auto add = [&](const std::vector<std::pair<std::string, std::string>>& more) {
    for (const auto& lib : more)
      if (std::find_if(libs.begin(), libs.end(), [&](const auto& l) { return l.first == lib.first; }) == libs.end())
        libs.push_back(lib);
  };
  try {
    add(load_module_table<DocumentModule>(kDocumentModuleName, kDocumentModuleEntry).library_versions());
    add(load_module_table<EngineModule>(kEngineModuleName, kEngineModuleEntry).library_versions());
    add(load_module_table<BoxModule>(kBoxModuleName, kBoxModuleEntry).library_versions());
  } catch (const Error& e) {
    std::fprintf(stderr, "warning: %s\n", e.what());
    return 3;
  }
  for (const auto& [lib, ver] : libs) std::printf("  %-18s %s\n", lib.c_str(), ver.c_str());
  return 0;
}

}  // namespace waybill::cli
