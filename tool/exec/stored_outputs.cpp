#include "exec/stored_outputs.hpp"

#include "exec/output_checks.hpp"
#include "exec/nbformat_outputs.hpp"

namespace waybill::exec {

namespace {

using nlohmann::json;

CellResult result_of(const doc::Cell& cell, const json& outputs) {
  CellResult r = result_from_nbformat(outputs);
  int lines = 1;
  for (char c : cell.code) lines += c == '\n';
  check_reply_result(r, OutputLimits{}, LineRange{cell.code_line, cell.code_line + lines});
  return r;
}

}  // namespace

std::optional<Results> stored_results(const doc::Document& document) {
  Results results;
  results.cells.resize(document.cells.size());
  results.cell_images.resize(document.cells.size());
  bool any = false;
  for (size_t i = 0; i < document.cells.size(); ++i) {
    const doc::Cell& cell = document.cells[i];
    if (cell.stored_outputs.empty()) continue;
    json outputs = json::parse(cell.stored_outputs, nullptr, false);
    if (!outputs.is_array()) continue;
    results.cells[i] = result_of(cell, outputs);
    ++results.stats.cells_cached;  // shown, not run
    any = true;
  }
  if (!any) return std::nullopt;
  return results;
}

}  // namespace waybill::exec
