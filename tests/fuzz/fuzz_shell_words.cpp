// Word expansion as Dockerfile instructions do it: $VAR, ${VAR:-x}, quotes, escapes.
#include "build/shell_words.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    auto env = [](std::string_view name) -> std::optional<std::string> {
      if (name == "EMPTY") return std::string();
      if (name.empty() || name.size() > 3) return std::nullopt;
      return std::string(name) + "-value";
    };
    (void)waybill::build::expand_word(text, env);
    (void)waybill::build::expand_words(text, env);
  });
}
