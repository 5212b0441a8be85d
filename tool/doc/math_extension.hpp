#pragma once
// A cmark-gfm inline extension for TeX math: $...$, $$...$$, and the \(...\) and \[...\]
// pairs that preprocess_markdown() marked. The TeX source is kept verbatim (no
// backslash-escape processing).
#include <cmark-gfm-extension_api.h>

#include <optional>

namespace waybill::doc {

cmark_syntax_extension* math_extension();
// For a math node: whether it is display math. nullopt for any other node.
std::optional<bool> math_node_display(cmark_node* node);

}  // namespace waybill::doc
