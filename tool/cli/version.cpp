#include <CLI/Version.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/verbs.hpp"
#include "box/module_api.hpp"
#include "oci/module_api.hpp"
#include "modules/document_api.hpp"
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
  // Every module is loaded and checked as a verb would load it: a missing module, or one
  // from another build, is an error here rather than at the first render.
  try {
    add(document_module::library_versions());
    add(engine_module::library_versions());
    add(box_module::library_versions());
  } catch (const Error& e) {
    std::fflush(stdout);
    return report_error(e, GlobalOptions{});
  }
  for (const auto& [lib, ver] : libs) std::printf("  %-18s %s\n", lib.c_str(), ver.c_str());
  return 0;
}

}  // namespace waybill::cli
