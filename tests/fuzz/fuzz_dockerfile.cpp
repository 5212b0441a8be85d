// Dockerfiles: BuildKit's syntax (directives, heredocs, escapes, flags, JSON forms).
#include "build/syntax_tree.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    (void)waybill::build::dump_syntax(waybill::build::parse_dockerfile(text));
  });
}
