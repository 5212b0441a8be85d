#include "driver/execute.hpp"

#include "driver/page_context.hpp"
#include "driver/prepare.hpp"
#include "driver/stage_times.hpp"

namespace waybill::driver {

exec::Results execute(const PreparedDocument& prepared, const PageContext* page, const exec::RunPolicy& policy,
                      const plan::Grants& grants, Reporter& reporter, StageTimes* times) {
  exec::ExecSettings s;
  s.doc_dir = prepared.doc_dir;
  s.doc_path = prepared.doc.path;
  s.project = prepared.project;
  s.grants = &grants;
  s.policy = policy;
  if (page) s.prepared_images = &page->prepared_images;
  exec::Results results = exec::execute(prepared.doc, prepared.plan, s, reporter);
  if (times) {
    times->build += results.stats.images_ms;
    times->execute += results.stats.sessions_ms;
  }
  return results;
}

}  // namespace waybill::driver
