#pragma once
// What the libFuzzer targets share: the input as text, and the rule that a waybill::Error
// (kind, place, hint) is a correct answer to bad input. Anything else that escapes (a
// library's exception, a crash, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::fuzz {

// A reporter that keeps nothing: inputs can make many warnings.
class NullReporter : public Reporter {
 public:
  void diagnostic(const Diagnostic&) override {}
  void status(std::string_view) override {}
};

template <class F>
int run_one(const uint8_t* data, size_t size, F body) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    body(input);
  } catch (const Error&) {
  }
  return 0;
}

// A directory of the fuzzer's own, under $TMPDIR, made once per process.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const char* t = std::getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/waybill-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) std::abort();
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

}  // namespace waybill::fuzz
