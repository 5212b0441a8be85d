#pragma once
// How the engine module's requests and replies cross its seam (util/module_call.hpp):
// every field by name, a missing one taking its default.
#include <nlohmann/json.hpp>

#include "oci/bootstrap_recipe.hpp"
#include "oci/module_api.hpp"
#include "util/module_call.hpp"

namespace waybill::oci {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BootstrapRecipe, suite, mirror, include, variant)
}  // namespace waybill::oci

namespace waybill {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageRequest, verb, args, source, output, name, compression, bootstrap,
                                                json, quiet, build_cache, platform, authfile, username, password, all)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageResponse, out, exit_code)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BuildPolicy, no_cache, pull_bases, refresh_bases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BaseRecipe, reference, archive, bootstrap)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BuildRequest, context, dockerfile, dockerfile_text, dockerfile_name,
                                                first_line, tags, build_args, target, policy, network, source_date_epoch,
                                                compression, bases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BuildResponse::Base, reference, digest, origin, labels)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BuildResponse, digest, steps, cached, bases)
}  // namespace waybill
