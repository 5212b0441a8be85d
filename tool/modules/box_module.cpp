// The box module's one exported symbol (util/module_call.hpp).
#include <seccomp.h>

#include "box/module_api.hpp"
#include "box/seccomp.hpp"

namespace waybill {

namespace {

using nlohmann::json;

json cache_seccomp_verb(const json& cache_dir, Reporter&) {
  box::ensure_seccomp_cache(cache_dir.get<std::string>());
  return nullptr;
}

json versions_verb(const json&, Reporter&) {
  const scmp_version* v = seccomp_version();
  return LibraryVersions{
      {"libseccomp", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro)}};
}

constexpr ModuleVerb kVerbs[] = {{"cache_seccomp", cache_seccomp_verb}, {"library_versions", versions_verb}};

int call(wb_bytes verb, wb_bytes request, const wb_reporter* reporter, const wb_sink* reply) {
  return answer_module_call(kVerbs, verb, request, reporter, reply);
}

const wb_module_table kTable{kBoxModule.abi, call};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const wb_module_table* waybill_box_module() {
  return &waybill::kTable;
}
