#pragma once
// Pandoc attribute syntax, `{#id .class key=value key2="two words"}`, used on headings,
// fences, images, divs and equations. Internal to doc/.
#include <optional>
#include <string_view>
#include <vector>

#include "doc/model.hpp"

namespace waybill::doc {

// Parses the text between the braces. nullopt when it is not attribute syntax.
std::optional<Attr> parse_attr(std::string_view inside);

// If `text` ends with `{...}` holding attribute syntax, removes it (and the spaces
// before it) from `text` and returns the attributes.
std::optional<Attr> take_trailing_attr(std::string& text);

// GitHub-style anchor: lower case, spaces to '-', punctuation dropped.
std::string slugify(std::string_view text);

// Quarto's `tbl-colwidths="[30,70]"`: the columns' shares of the width, summing to 1;
// nullopt unless every entry is a positive number.
std::optional<std::vector<double>> parse_column_widths(std::string_view text);
// The same for numbers already read; nullopt when one is not positive.
std::optional<std::vector<double>> column_shares(const std::vector<double>& widths);

}  // namespace waybill::doc
