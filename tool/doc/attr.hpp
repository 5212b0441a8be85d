#pragma once
// Pandoc attribute syntax, `{#id .class key=value key2="two words"}`, used on headings,
// fences, images, divs and equations. Internal to doc/.
#include <optional>
#include <string_view>

#include "doc/model.hpp"

namespace waybill::doc {

// Parses the text between the braces. nullopt when it is not attribute syntax.
std::optional<Attr> parse_attr(std::string_view inside);

// If `text` ends with `{...}` holding attribute syntax, removes it (and the spaces
// before it) from `text` and returns the attributes.
std::optional<Attr> take_trailing_attr(std::string& text);

// GitHub-style anchor: lower case, spaces to '-', punctuation dropped.
std::string slugify(std::string_view text);

}  // namespace waybill::doc
