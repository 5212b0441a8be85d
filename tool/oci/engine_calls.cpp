// The engine module's facade: each verb's request encoded, its reply decoded.
#include "oci/module_wire.hpp"

namespace waybill::engine_module {

ImageResponse image(const ImageRequest& request, Reporter& reporter) {
  return call_module(kEngineModule, "image", request, reporter).get<ImageResponse>();
}

void prepare_run(const std::string& home, const std::string& image, Reporter& reporter) {
  call_module(kEngineModule, "prepare_run", {{"home", home}, {"image", image}}, reporter);
}

BuildResponse build(const BuildRequest& request, Reporter& reporter) {
  return call_module(kEngineModule, "build", request, reporter).get<BuildResponse>();
}

LibraryVersions library_versions() { return module_library_versions(kEngineModule); }

}  // namespace waybill::engine_module
