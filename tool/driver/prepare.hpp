#pragma once
// The first half of a document's journey: the file read into a Document and planned.
// Every command that looks at a document (render and its --dry-run, check, build -f, a
// site's pages) starts here, so they all see the same plan and the same warnings.
#include <filesystem>

#include "doc/model.hpp"
#include "plan/plan.hpp"
#include "plan/trust.hpp"
#include "util/project_paths.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

struct PageContext;  // driver/page_context.hpp
struct StageTimes;   // driver/stage_times.hpp

struct PreparedDocument {
  std::filesystem::path input;    // the file as given
  std::filesystem::path doc_dir;  // its folder as given; "" is the working directory
  std::filesystem::path project;  // what the document may read beneath (a site's folder, else doc_dir)
  PathRoots roots;                // project plus what the command line allowed
  doc::Document doc;
  plan::Plan plan;
};

// What prepare() does after reading: plan (and report the plan's warnings), or not
// (render --no-execute shows the code of a document whose plan may not hold yet).
enum class Planning { Plan, Skip };

// Reads and plans `file`, as a page of `page` when that is not null. The plan's
// warnings go to `reporter`; errors throw Error(Document) at their place.
PreparedDocument prepare(const std::filesystem::path& file, const PageContext* page, const plan::Grants& grants,
                         Reporter& reporter, StageTimes* times = nullptr, Planning planning = Planning::Plan);

}  // namespace waybill::driver
