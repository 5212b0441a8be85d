#include "driver/prepare.hpp"

#include "doc/reader.hpp"
#include "driver/page_context.hpp"
#include "driver/stage_times.hpp"
#include "util/report.hpp"

namespace waybill::driver {

PreparedDocument prepare(const std::filesystem::path& file, const PageContext* page, const plan::Grants& grants,
                         Reporter& reporter, StageTimes* times, Planning planning) {
  PreparedDocument p;
  p.input = file;
  p.doc_dir = file.parent_path();
  // What the document may read: its project (a site's folder, else its own), and what
  // the command line allowed.
  p.project = page ? page->project : (p.doc_dir.empty() ? std::filesystem::path(".") : p.doc_dir);
  p.roots = grants.roots(p.project);
  {
    StageTimer timer(times ? &times->read : nullptr);
    p.doc = doc::read_document(file, reporter, {}, page ? page->front_matter : nullptr, &p.roots);
    if (page && page->transform) page->transform(p.doc);
  }
  if (planning == Planning::Skip) return p;
  StageTimer timer(times ? &times->plan : nullptr);
  p.plan = plan::make_plan(p.doc, page ? &page->defaults : nullptr);
  for (const auto& w : p.plan.warnings) reporter.diagnostic(w);
  return p;
}

}  // namespace waybill::driver
