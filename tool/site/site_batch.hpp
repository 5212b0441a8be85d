#pragma once
// A site's pages as tasks of a batch engine (issue 21). The submitting waybill plans the
// site, builds its images into the shared store, writes the batch plan (which pages, with
// which keys and grants) beside the site's working files, and submits one task per page;
// each task is `waybill site DIR --task-plan PLAN`, which renders the page with the index
// WAYBILL_TASK_INDEX exactly as a local build would, and leaves its result next to the
// plan. The submitter follows the tasks and gathers their results.
#include <filesystem>
#include <string>
#include <vector>

#include "plan/trust.hpp"

namespace waybill::site {

struct BatchPage {
  std::string page;  // the page's path in the project
  std::string key;   // its key when planned
};

struct BatchPlan {
  std::vector<BatchPage> pages;
  plan::Grants grants;
  bool no_cache = false, refresh = false, no_execute = false;
  std::string job;  // the engine's job id, once submitted
};

// The folder of a site's batch: the plan, the job script, the tasks' logs and results.
std::filesystem::path batch_dir(const std::filesystem::path& site_output);
std::filesystem::path batch_plan_path(const std::filesystem::path& site_output);
// Where task `index` leaves its result ({"ok": ..., "stats" or "error"}).
std::filesystem::path batch_result_path(const std::filesystem::path& site_output, size_t index);

void write_batch_plan(const std::filesystem::path& path, const BatchPlan& plan);
// Throws Error(Usage) naming the file when it is missing or not a batch plan.
BatchPlan read_batch_plan(const std::filesystem::path& path);

}  // namespace waybill::site
