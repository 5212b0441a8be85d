#pragma once
// Citation and cross-reference syntax in text. Internal to doc/.
#include <string_view>
#include <vector>

#include "doc/model.hpp"

namespace waybill::doc {

// Keys that name a cross-reference target rather than a bibliography entry.
bool is_crossref_key(std::string_view key);

// Splits Text inlines (recursively, but not inside links) around citations and
// cross-references.
void resolve_citations(std::vector<Inline>& inlines);

}  // namespace waybill::doc
