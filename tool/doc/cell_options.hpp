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
  std::optional<bool> cache;
  std::optional<double> timeout;     // seconds
  std::string image;

  // Where each option was set, by canonical name ("fig-cap"), for messages.
  std::map<std::string, Pos> where;
};

// Canonical names of the options this version understands.
const std::vector<std::string>& known_cell_options();

// knitr spelling to canonical: "fig.cap" -> "fig-cap", "results" -> "output".
std::string canonical_option_name(std::string_view name);

}  // namespace waybill::doc
