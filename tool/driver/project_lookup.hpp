#pragma once
// A document may be a page of a project: a folder above it with a waybill.yml (a site).
// Then `render`, `check`, `render --dry-run` and `build -f` read and plan it as the site
// does (the project's front matter, cell options and manifest), and its cells run in the
// project's images. The driver asks through this interface; tool/site answers it
// (site/enclosing_project.hpp), so the driver does not depend on the site.
#include <filesystem>

#include "exec/executor.hpp"
#include "plan/plan.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

struct PageContext;  // driver/page_context.hpp

class ProjectLookup {
 public:
  virtual ~ProjectLookup() = default;
  // The context `file` is read in as a page of its project, or null when it is a page of
  // none. Throws Error(Document) for a project file that cannot be read.
  virtual PageContext* page_for(const std::filesystem::path& file, Reporter& reporter) = 0;
  // Makes the project images and data images `plan` runs in ready, into
  // `page.prepared_images`; each is built once per process.
  virtual void prepare_images(PageContext& page, const plan::Plan& plan, const exec::RunPolicy& policy,
                              Reporter& reporter) = 0;
};

}  // namespace waybill::driver
