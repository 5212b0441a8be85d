#pragma once
// The output formats, in one table: the name --to and the front matter take, the other
// names for it, and the extension of the file written. The writers (render/) are chosen
// by name; the command line and the front matter check names here.
#include <string>
#include <string_view>
#include <vector>

namespace waybill::doc {

struct OutputFormat {
  std::string_view name;                  // html, latex, pdf
  std::vector<std::string_view> aliases;  // what --to also takes: tex
  std::string_view extension;             // of the file written: html, tex, pdf
};

const std::vector<OutputFormat>& output_formats();

// The format `name` is (case-insensitive, aliases included), or nullptr.
const OutputFormat* find_output_format(std::string_view name);

// A format named in front matter the Quarto or R Markdown way (`html_document`,
// `pdf_document`, `revealjs`): the format it contains, or nullptr.
const OutputFormat* format_in_name(std::string_view name);

// "html, latex and pdf" for hints; with a prefix and "or": "--to html, --to latex or --to pdf".
std::string format_names(std::string_view prefix = "", std::string_view last = " and ");

}  // namespace waybill::doc
