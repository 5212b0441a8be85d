#pragma once
// `waybill build` and a document's images, from the CLI's or the driver's request: the
// request made into build options (SOURCE_DATE_EPOCH, build arguments, network,
// compression, progress) and the policy for a FROM image the store lacks: the store,
// then a registry or its mirrors, then the manifest's `bases` (ARCHITECTURE.md, "Build").
#include "oci/module_api.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::build {

// Builds the image; a build that moves a tag removes what only the old image used.
BuildResponse build_from_request(const BuildRequest& request, Reporter& reporter);

}  // namespace waybill::build
