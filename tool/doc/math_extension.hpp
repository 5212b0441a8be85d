#pragma once
// A cmark-gfm inline extension for TeX math: $...$, $$...$$, and the \(...\) and \[...\]
// pairs that preprocess_markdown() marked. The TeX source is kept verbatim (no
// backslash-escape processing), in nodes of two custom types.
#include <cmark-gfm-extension_api.h>

namespace waybill::doc {

cmark_syntax_extension* math_extension();
cmark_node_type math_inline_type();
cmark_node_type math_display_type();

}  // namespace waybill::doc
