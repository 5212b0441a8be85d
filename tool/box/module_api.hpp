#pragma once
// The box module (util/module.hpp): what the runtime needs from libseccomp, loaded only
// when the compiled profile is not cached yet. Its verbs go through the checked C table
// of util/module_call.hpp and throw the Error the module replied with.
#include <string>

#include "util/module_call.hpp"

namespace waybill {

inline constexpr ModuleId kBoxModule{"box", "waybill_box_module", 2};

namespace box_module {

// Compiles the default seccomp profile into $cache_dir/seccomp/ unless it is there.
inline void cache_seccomp(const std::string& cache_dir) { call_module(kBoxModule, "cache_seccomp", cache_dir); }

inline LibraryVersions library_versions() { return module_library_versions(kBoxModule); }

}  // namespace box_module

}  // namespace waybill
