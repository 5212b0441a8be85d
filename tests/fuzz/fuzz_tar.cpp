// Layers: tar (plain, gzip or zstd) extracted the way unpacking does it, refusing hostile
// entries (.., absolute paths, links out, devices, huge headers).
#include "fuzz_input.hpp"
#include "oci/layer_unpack.hpp"
#include "util/fs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return waybill::fuzz::run_one(data, size, [](std::string_view bytes) {
    const auto& dir = waybill::fuzz::scratch_dir();
    waybill::write_file_atomic(dir / "layer.tar", bytes);
    waybill::oci::remove_tree(dir / "dest");
    std::filesystem::create_directory(dir / "dest");
    (void)waybill::oci::extract_tar_file(dir / "layer.tar", dir / "dest", "fuzz layer");
  });
}
