#pragma once
// What comes out of a box is input, never trusted: a cell's code can write anything to
// its driver's reply stream and to its output directory. Every result passes these
// checks before the host keeps, caches or renders any of it. A rule broken drops the
// output and gives the cell an error that says which rule, in its place in the page.
//
// Rules: stream names are stdout or stderr; text is made valid UTF-8; result data keeps
// only the media types the writers know; figure formats come from a fixed list; base64
// must decode; file names are plain relative names (util/safe_path.hpp); no output, no
// cell and no document may go over its size limit; an error's line must lie in its cell.
#include <cstdint>
#include <string>
#include <string_view>

#include "exec/cell_result.hpp"
#include "plan/manifest.hpp"

namespace waybill::exec {

// Sizes are of decoded bytes (a figure's PNG, not its base64).
struct OutputLimits {
  uint64_t output = 8u << 20;     // one stream, value, figure or file
  uint64_t cell = 16u << 20;      // everything one cell produced
  uint64_t document = 64u << 20;  // everything all cells of a document produced
  size_t files = 1000;            // files in one cell's output directory

  static OutputLimits from(const plan::LimitSettings& limits);
  // The largest reply frame a driver may send for one cell: its outputs base64-encoded
  // and JSON-escaped, with room for the envelope.
  uint64_t reply_bytes() const { return cell * 2 + (1u << 20); }
};

// The figure formats a cell may produce ("png", "svg", "jpeg", "jpg", "pdf", "gif", "webp").
bool is_known_figure_format(std::string_view format);

// The cell's lines in the document, to bound the line an error claims.
struct LineRange {
  int first = 0, last = 0;
};

// Checks a result decoded from a driver's reply. Drivers never send files (the host
// reads the output directory itself), so a `file` output in a reply is refused too.
void check_reply_result(CellResult& result, const OutputLimits& limits, LineRange lines);

// Checks the sum of a cell's outputs, replies and files together, against the cell's and
// the document's limits; `document_used` carries the document's total so far.
void check_result_totals(CellResult& result, const OutputLimits& limits, uint64_t& document_used);

// The bytes of all of a result's outputs (decoded), as the limits count them.
uint64_t output_size(const CellResult& result);

// Gives the result the error "refused output: `why`" (kept beside an error it already had).
void refuse_output(CellResult& result, const std::string& why);

}  // namespace waybill::exec
