#pragma once
// Grants and limits as JSON, field by field (a missing one takes its default): they cross
// the document module's seam, and a site's tasks on a batch engine read them back from
// the plan the submitting waybill wrote.
#include <chrono>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "plan/trust.hpp"
#include "util/module_call.hpp"

namespace waybill::plan {

inline void to_json(nlohmann::json& j, const LimitSettings& l) {
  auto ms = [](const std::optional<std::chrono::milliseconds>& d) {
    return d ? nlohmann::json(d->count()) : nlohmann::json(nullptr);
  };
  j = {{"memory_bytes", l.memory_bytes},
       {"cpus", l.cpus},
       {"pids", l.pids},
       {"cell_timeout_ms", ms(l.cell_timeout)},
       {"document_timeout_ms", ms(l.document_timeout)},
       {"output_bytes", l.output_bytes},
       {"cell_output_bytes", l.cell_output_bytes},
       {"document_output_bytes", l.document_output_bytes},
       {"where", l.where}};
}

inline void from_json(const nlohmann::json& j, LimitSettings& l) {
  auto ms = [&](const char* key) -> std::optional<std::chrono::milliseconds> {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return std::chrono::milliseconds(j.at(key).get<int64_t>());
  };
  l.memory_bytes = j.value("memory_bytes", std::optional<uint64_t>{});
  l.cpus = j.value("cpus", std::optional<double>{});
  l.pids = j.value("pids", std::optional<uint64_t>{});
  l.cell_timeout = ms("cell_timeout_ms");
  l.document_timeout = ms("document_timeout_ms");
  l.output_bytes = j.value("output_bytes", std::optional<uint64_t>{});
  l.cell_output_bytes = j.value("cell_output_bytes", std::optional<uint64_t>{});
  l.document_output_bytes = j.value("document_output_bytes", std::optional<uint64_t>{});
  l.where = j.value("where", std::map<std::string, SourceLoc>{});
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Grants, trust, network, mounts, paths, ceilings)

}  // namespace waybill::plan
