// waybill.yml: a project's title, pages, defaults, images and data.
#include "fuzz_input.hpp"
#include "site/project.hpp"
#include "util/fs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view text) {
    const auto& dir = waybill::fuzz::scratch_dir();
    waybill::write_file_atomic(dir / "waybill.yml", text);
    waybill::fuzz::NullReporter reporter;
    (void)waybill::site::load_project(dir, "", waybill::PathRoots::of(dir, {}, false), reporter);
  });
}
