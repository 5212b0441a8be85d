#pragma once
// Both ends of a call through a wb_module_table (util/module_abi.h). The caller's request
// goes over as JSON and the reply comes back decoded, or the module's error is thrown on
// the caller's side; the module answers from its table of verbs, with the caller's
// Reporter behind a wb_reporter. Each module has a typed facade over call_module()
// (engine: oci/module_api.hpp, box: box/module_api.hpp, document: modules/document_api.hpp),
// so no call site sees JSON or the C table.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/module.hpp"
#include "util/module_abi.h"

namespace waybill {

class Reporter;

// Loads the module (util/module.hpp checks its ABI), runs `verb` and returns its reply.
// Throws the Error the module replied with; a reply that is not JSON is an Internal one.
nlohmann::json call_module(const ModuleId& id, std::string_view verb, const nlohmann::json& request, Reporter& reporter);
// For verbs that report nothing.
nlohmann::json call_module(const ModuleId& id, std::string_view verb, const nlohmann::json& request);

// (library, version) for every library a module links: its verb `library_versions`.
using LibraryVersions = std::vector<std::pair<std::string, std::string>>;
LibraryVersions module_library_versions(const ModuleId& id);

// A module's verb: decodes its request, does the work (throwing Error), encodes its reply.
struct ModuleVerb {
  std::string_view name;
  nlohmann::json (*run)(const nlohmann::json& request, Reporter& reporter);
};

// The body of a module's `call` entry. Never throws: what the verb throws is the reply.
int answer_module_call(std::span<const ModuleVerb> verbs, wb_bytes verb, wb_bytes request,
                       const wb_reporter* reporter, const wb_sink* reply) noexcept;

// The util types as they cross: an Error is {kind, message, file, line, col, hint}.
void to_json(nlohmann::json& j, const SourceLoc& loc);
void from_json(const nlohmann::json& j, SourceLoc& loc);
nlohmann::json error_to_json(const Error& e);
Error error_from_json(const nlohmann::json& j);
void to_json(nlohmann::json& j, const Diagnostic& d);
void from_json(const nlohmann::json& j, Diagnostic& d);

}  // namespace waybill

namespace nlohmann {

// std::optional<T>: null when empty (nlohmann 3.11 has no serializer of its own for it).
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) j = *v;
    else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) v.reset();
    else v = j.get<T>();
  }
};

}  // namespace nlohmann
