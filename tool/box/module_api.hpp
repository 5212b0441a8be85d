#pragma once
// The box module's entry table (see util/module.hpp): what the runtime needs from
// libseccomp, loaded only when the compiled profile is not cached yet.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace waybill {

struct BoxModule {
  int abi;
  // Compiles the default seccomp profile into $cache_dir/seccomp/ unless it is there.
  std::optional<Error> (*cache_seccomp)(const std::string& cache_dir);
  std::vector<std::pair<std::string, std::string>> (*library_versions)();
};

inline constexpr int kBoxModuleAbi = 1;
inline constexpr const char* kBoxModuleName = "box";
inline constexpr const char* kBoxModuleEntry = "waybill_box_module";

}  // namespace waybill
