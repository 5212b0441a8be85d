// Documents: front matter (YAML), Markdown, fences, cell options in both syntaxes,
// inline cells, citations, the manifest block, then the plan.
#include "doc/reader.hpp"
#include "fuzz_input.hpp"
#include "plan/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    waybill::fuzz::NullReporter reporter;
    waybill::doc::Document d = waybill::doc::parse_document("fuzz.md", std::string(text), reporter);
    (void)waybill::plan::make_plan(d);
  });
}
