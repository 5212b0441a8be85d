// The manifest block's schema, on whatever YAML the input is.
#include "doc/yaml_meta.hpp"
#include "fuzz_input.hpp"
#include "plan/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    auto v = waybill::doc::parse_yaml(text, waybill::doc::YamlOrigin{"fuzz.md", "manifest", 1, 0});
    (void)waybill::plan::read_manifest(v, "fuzz.md");
  });
}
