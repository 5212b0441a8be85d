#pragma once
// What Quarto, R Markdown and pandoc documents use that waybill does not implement yet.
// Nothing is dropped in silence: each use is a warning at its place (one per document
// and feature, through GroupingReporter), saying what happens instead.
#include <optional>
#include <string>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

// For a cell option waybill reads but does not implement: what happens instead.
std::optional<std::string> unimplemented_cell_option(const std::string& canonical_name);

// For a front matter key (top level, or under a format) that other tools implement and
// waybill does not: what happens instead. Other unknown keys are the author's own:
// templates read them, so they are not warned about.
std::optional<std::string> unimplemented_front_matter_key(const std::string& key);

// Shortcodes in the text, div classes and attributes (tabsets, layouts, margin columns,
// conditional content, collapsed callouts): one warning each.
void report_unsupported_markup(const Document& doc, Reporter& reporter);

}  // namespace waybill::doc
