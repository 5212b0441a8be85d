#pragma once
// Reading cell options from their two syntaxes into (name, value, position) settings,
// and applying settings to a CellOptions with type checks. Internal to doc/.
#include <string>
#include <string_view>
#include <vector>

#include "doc/cell_options.hpp"
#include "doc/meta.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

struct OptionSetting {
  std::string name;  // as written: "fig.cap", "fig-cap"
  MetaValue value;
  Pos pos;
};

struct KnitrHeader {
  std::string language;                 // "r", "python"
  std::vector<OptionSetting> options;   // the label comes as a "label" setting
};

// Parses the inside of a chunk header's braces: `r label, echo=FALSE, fig.cap="x"`.
// `start` is the document position of the first character of `inside`.
KnitrHeader parse_knitr_header(std::string_view inside, Pos start, const std::string& file);

struct LeadingOptions {
  std::vector<OptionSetting> options;
  size_t lines = 0;   // how many leading `#|` lines were consumed
};

// Reads Quarto's `#| key: value` lines at the top of a cell's content.
LeadingOptions parse_leading_options(std::string_view code, int first_line, const std::string& file);

// Applies settings in order (later wins). Unknown names are warnings with the closest
// known name; values of the wrong type are Error(Document) at the value.
void apply_cell_options(CellOptions& options, const std::vector<OptionSetting>& settings,
                        const std::string& file, Reporter& reporter);

// Parses an R literal as knitr would see it: TRUE, 3.5, "text", c(1, 2), NULL. Anything
// else (an R expression) comes back as an unquoted scalar holding its source text.
MetaValue parse_r_value(std::string_view text, Pos pos);

}  // namespace waybill::doc
