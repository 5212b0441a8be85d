// The box module's one exported symbol.
#include <seccomp.h>

#include "box/module_api.hpp"
#include "box/seccomp.hpp"

namespace waybill {

namespace {

std::optional<Error> cache_seccomp(const std::string& cache_dir) {
  return capture_error([&] { box::ensure_seccomp_cache(cache_dir); });
}

std::vector<std::pair<std::string, std::string>> versions() {
  const scmp_version* v = seccomp_version();
  return {{"libseccomp", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro)}};
}

const BoxModule kModule{kBoxModule.abi, cache_seccomp, versions};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const waybill::BoxModule* waybill_box_module() {
  return &waybill::kModule;
}
