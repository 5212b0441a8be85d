#pragma once
// Where waybill finds its own files. The build tree mirrors the install tree:
//   <prefix>/bin/waybill
//   <prefix>/lib/waybill/<module>.so     (modules loaded on demand)
//   <prefix>/share/waybill/templates/    (HTML and LaTeX templates, highlighting rules)
// WAYBILL_DATA_DIR and WAYBILL_MODULE_DIR override the two directories.
#include <filesystem>

namespace waybill {

std::filesystem::path data_dir();
std::filesystem::path module_dir();
std::filesystem::path templates_dir();

}  // namespace waybill
