#include "doc/output_format.hpp"

#include "util/strings.hpp"

namespace waybill::doc {

const std::vector<OutputFormat>& output_formats() {
  static const std::vector<OutputFormat> formats = {
      {"html", {}, "html"},
      {"latex", {"tex"}, "tex"},
      {"pdf", {}, "pdf"},
  };
  return formats;
}

const OutputFormat* find_output_format(std::string_view name) {
  std::string lower = to_lower(trim(name));
  for (const auto& f : output_formats()) {
    if (lower == f.name) return &f;
    for (auto alias : f.aliases)
      if (lower == alias) return &f;
  }
  return nullptr;
}

const OutputFormat* format_in_name(std::string_view name) {
  if (const OutputFormat* exact = find_output_format(name)) return exact;
  std::string lower = to_lower(name);
  // html first: `html_document`; pdf before latex: `pdf_document` is made through LaTeX.
  for (std::string_view wanted : {"html", "pdf", "latex"})
    if (lower.find(wanted) != std::string::npos) return find_output_format(wanted);
  return nullptr;
}

std::string format_names(std::string_view prefix, std::string_view last) {
  std::string out;
  const auto& all = output_formats();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i) out += i + 1 == all.size() ? last : ", ";
    out += prefix;
    out += all[i].name;
  }
  return out;
}

}  // namespace waybill::doc
