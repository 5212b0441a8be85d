#pragma once
// The box module's entry table (see util/module.hpp): what the runtime needs from
// libseccomp, loaded only when the compiled profile is not cached yet.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/module.hpp"

namespace waybill {

struct BoxModule {
  int abi;
  // Compiles the default seccomp profile into $cache_dir/seccomp/ unless it is there.
  std::optional<Error> (*cache_seccomp)(const std::string& cache_dir);
  std::vector<std::pair<std::string, std::string>> (*library_versions)();
};

inline constexpr ModuleId kBoxModule{"box", "waybill_box_module", 1};

// The module's table, loaded and checked (util/module.hpp).
inline const BoxModule& box_module() { return load_module<BoxModule>(kBoxModule); }

}  // namespace waybill
