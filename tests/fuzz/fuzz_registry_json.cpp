// What registries send: manifests, indexes, configs (by their media type sniffed from
// the text, as the client does) and WWW-Authenticate challenges.
#include "fuzz_input.hpp"
#include "oci/image_json.hpp"
#include "oci/registry_auth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    using namespace waybill::oci;
    (void)parse_challenge(std::string(text));
    std::string type = sniff_media_type(text);
    if (is_index_type(type)) (void)to_json(parse_index(text, "fuzz"));
    else if (is_manifest_type(type)) (void)to_json(parse_manifest(text, "fuzz"));
    else (void)to_json(parse_config(text, "fuzz"));
  });
}
