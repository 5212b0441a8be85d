// BibTeX: entries, braces, strings, @string macros, names.
#include "fuzz_input.hpp"
#include "render/bibtex.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    for (const auto& entry : waybill::render::parse_bibtex(text, "fuzz.bib"))
      for (const auto& [field, value] : entry.fields) (void)waybill::render::split_names(value);
  });
}
