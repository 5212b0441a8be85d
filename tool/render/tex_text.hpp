#pragma once
// BibTeX field values are TeX: `{\"o}`, `\&`, `--`, `{NASA}`. This turns them into plain
// Unicode text for output in any format.
#include <string>
#include <string_view>

namespace waybill::render {

std::string tex_to_text(std::string_view tex);

}  // namespace waybill::render
