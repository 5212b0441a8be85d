#pragma once
// A notebook's stored outputs (nbformat 4: stream, execute_result, display_data, error)
// as the results a render shows, for `render --no-execute` of an .ipynb: a preview of
// the notebook as it was saved, with no cell run. They come from whoever saved the
// notebook, so they pass the same checks as a box's reply (exec/output_checks.hpp).
#include <optional>

#include "doc/model.hpp"
#include "exec/executor.hpp"

namespace waybill::exec {

// The cells' stored outputs as Results, or nullopt when no cell has any.
std::optional<Results> stored_results(const doc::Document& document);

}  // namespace waybill::exec
