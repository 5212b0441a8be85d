#pragma once
// Cell options, from either syntax: Quarto's `#| key: value` lines and knitr's chunk
// header `{r label, echo=FALSE, fig.cap="..."}`. Both land in one CellOptions; knitr's
// dotted names (fig.cap) are the dashed ones (fig-cap).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/meta.hpp"

namespace waybill::doc {

enum class OutputMode { Show, Hide, Asis };

// How `waybill check` compares a cell's fresh outputs with its locked ones
// (`#| check: {ignore: REGEX, tolerance: 1e-6, pixels: 0.01}`, or `check: false`).
struct CheckOptions {
  bool enabled = true;                // false: the cell is run but not compared
  std::vector<std::string> ignore;    // ECMAScript regexes; matches are blanked on both sides
  std::optional<double> tolerance;    // numbers in text may differ by this (absolute or relative)
  std::optional<double> pixels;       // figures: mean channel difference allowed, 0..1
  bool addresses = false;             // compare memory addresses in reprs (masked by default)
};

struct CellOptions {
  std::string label;
  bool eval = true;
  bool echo = true;
  OutputMode output = OutputMode::Show;
  bool include = true;
  bool error = false;
  bool warning = true;
  bool message = true;
  std::string fig_cap;
  std::string fig_alt;
  std::optional<double> fig_width;   // inches
  std::optional<double> fig_height;  // inches
  std::string fig_format = "png";    // png or svg
  std::string tbl_cap;               // the caption of the table the cell makes
  std::vector<double> tbl_colwidths; // its columns' shares of the width, summing to 1
  std::optional<bool> cache;
  std::optional<double> timeout;     // seconds
  std::string image;
  CheckOptions check;
  // HTML: the code in a <details> element, closed ("fold") or open ("show"); "" for none.
  std::string code_fold;
  std::string code_summary = "Code";

  // Where each option was set, by canonical name ("fig-cap"), for messages.
  std::map<std::string, Pos> where;
};

// Canonical names of the options this version understands.
const std::vector<std::string>& known_cell_options();

// knitr spelling to canonical: "fig.cap" -> "fig-cap", "results" -> "output".
std::string canonical_option_name(std::string_view name);

}  // namespace waybill::doc
