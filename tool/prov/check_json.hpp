#pragma once
// A document's check (prov/drift.hpp) as JSON, field by field: it crosses the document
// module's seam, and the tasks of `check --on slurm` hand it back to the submitter.
#include <nlohmann/json.hpp>

#include "prov/drift.hpp"

namespace waybill::prov {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Drift, name, line, verdict, detail, diff, seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DocumentCheck, document, environment, steps)
}  // namespace waybill::prov
