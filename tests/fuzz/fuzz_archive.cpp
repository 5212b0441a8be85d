// Image archives (docker-archive and oci-archive, compressed or not), loaded into a store
// of the fuzzer's own: manifest.json, index.json, blobs, names.
#include <cstdlib>

#include "fuzz_input.hpp"
#include "oci/image_ops.hpp"
#include "oci/store.hpp"
#include "util/fs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view bytes) {
    const auto& dir = waybill::fuzz::scratch_dir();
    ::setenv("WAYBILL_HOME", (dir / "home").c_str(), 1);
    waybill::write_file_atomic(dir / "image.tar", bytes);
    waybill::fuzz::NullReporter reporter;
    (void)waybill::oci::load_archive(waybill::oci::Store::open(), dir / "image.tar", reporter);
  });
}
