// The YAML reader every YAML the tool reads goes through (front matter, cell options,
// manifests, waybill.yml): strict YAML 1.2, bounded depth and alias expansion.
#include "doc/yaml_meta.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    (void)waybill::doc::parse_yaml(text, waybill::doc::YamlOrigin{"fuzz.yml", "front matter", 1, 0});
  });
}
