#pragma once
// Outputs in nbformat 4's shape (stream, execute_result, display_data, error), as a
// notebook stores them and as a Jupyter kernel sends them, turned into a CellResult:
// images become figures, the rest of a MIME bundle one result by media type. Nothing is
// checked here; callers pass the result through exec/output_checks.hpp.
#include <string>

#include <nlohmann/json.hpp>

#include "exec/cell_result.hpp"

namespace waybill::exec {

CellResult result_from_nbformat(const nlohmann::json& outputs);

// Terminal colours (IPython writes them in tracebacks) taken out of `s`.
std::string without_ansi(const std::string& s);

}  // namespace waybill::exec
