#pragma once
// How the document module's requests and replies cross its seam (util/module_call.hpp):
// every field by name, a missing one taking its default. Pointers (a site's page, the
// project lookup) never cross: the module sets its own.
#include <chrono>

#include <nlohmann/json.hpp>

#include "driver/check.hpp"
#include "driver/dockerfile_blocks.hpp"
#include "driver/render_documents.hpp"
#include "oci/module_wire.hpp"
#include "plan/grants_json.hpp"
#include "prov/check_json.hpp"
#include "prov/signing.hpp"
#include "prov/verify.hpp"
#include "site/serve.hpp"
#include "site/site_build.hpp"
#include "util/module_call.hpp"


namespace waybill::render {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RenderedOutput, document, format, path, milliseconds, text)
}  // namespace waybill::render

namespace waybill::prov {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VerifyRequest, record, public_key, outputs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VerifyReport, signed_record, key_id, subjects, subjects_checked, statement)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KeyFiles, private_key, public_key)
}  // namespace waybill::prov

namespace waybill::batch {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BatchRequest, on, partition, account, qos, sbatch, cpus, memory_bytes,
                                                time_seconds, detach, attach)
}  // namespace waybill::batch

namespace waybill::driver {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RenderRequest, files, formats, output_dir, template_path, self_contained,
                                                dry_run, no_execute, no_cache, refresh, stats_file, timings, lock,
                                                sign_key, exiting_after, grants, batch, task_plan)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DockerfileBlock, name, dockerfile, first_line, bases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CheckRequest, files, junit_file, no_cache, rebuild, color, grants, batch,
                                                task_plan)

inline void to_json(nlohmann::json& j, const CheckOutcome& o) {
  j = {{"documents", o.documents},
       {"report", o.report},
       {"error", o.error ? error_to_json(*o.error) : nlohmann::json(nullptr)},
       {"drifted", o.drifted}};
}

inline void from_json(const nlohmann::json& j, CheckOutcome& o) {
  o.documents = j.value("documents", std::vector<prov::DocumentCheck>{});
  o.report = j.value("report", "");
  if (j.contains("error") && !j.at("error").is_null()) o.error = error_from_json(j.at("error"));
  o.drifted = j.value("drifted", false);
}

}  // namespace waybill::driver

namespace waybill::site {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SiteRequest, dir, output, jobs, no_cache, refresh, no_execute, stats_file,
                                                grants, batch, task_plan)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SiteOutcome, output, pages, rendered, failed, unchanged, written, removed,
                                                cells_run, cells_cached, images_built, job, milliseconds, timings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServeOptions, port)
}  // namespace waybill::site
