#pragma once
// Where each cell's source lines are in a notebook's JSON text, so that a notebook's
// errors point at lines a user can open. A JSON parser gives values, not positions, so
// this is a small scanner of its own: it follows the path of each value and records
// the line and column of every string under cells[i].source (nbformat writes a source
// as a list of lines, one per JSON line, or as one string).
#include <string_view>
#include <vector>

namespace waybill::doc {

struct JsonPos {
  int line = 0, col = 0;  // 1-based; col is the column after the opening quote
};

// For each cell, in order, the positions of its source strings. A text that does not
// scan gives what was found before the fault (the JSON parser reports the fault itself).
std::vector<std::vector<JsonPos>> notebook_source_positions(std::string_view json);

}  // namespace waybill::doc
