#include "site/site_batch.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "plan/grants_json.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::site {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path batch_dir(const fs::path& site_output) { return site_output / ".waybill-batch"; }
fs::path batch_plan_path(const fs::path& site_output) { return batch_dir(site_output) / "plan.json"; }
fs::path batch_result_path(const fs::path& site_output, size_t index) {
  return batch_dir(site_output) / "results" / (std::to_string(index) + ".json");
}

void write_batch_plan(const fs::path& path, const BatchPlan& plan) {
  json pages = json::array();
  for (const auto& p : plan.pages) pages.push_back({{"page", p.page}, {"key", p.key}});
  json j = {{"version", 1},        {"pages", pages},       {"grants", plan.grants}, {"no_cache", plan.no_cache},
            {"refresh", plan.refresh}, {"no_execute", plan.no_execute}, {"job", plan.job}};
  make_dirs(path.parent_path());
  write_file_atomic(path, j.dump(1) + "\n");
}

BatchPlan read_batch_plan(const fs::path& path) {
  auto text = read_file_if_exists(path);
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::Usage, why, SourceLoc{path.string(), 0, 0},
                 "the plan is written by `waybill site DIR --on slurm`; submit the site again");
  };
  if (!text) throw bad("no batch plan here");
  json j = json::parse(*text, nullptr, false);
  if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("pages") || !j["pages"].is_array())
    throw bad("not a batch plan of this waybill");
  BatchPlan plan;
  try {
    for (const auto& p : j["pages"]) plan.pages.push_back({p.at("page").get<std::string>(), p.at("key").get<std::string>()});
    if (j.contains("grants")) plan.grants = j["grants"].get<plan::Grants>();
  } catch (const json::exception& e) {
    throw bad(std::string("a broken batch plan: ") + e.what());
  }
  plan.no_cache = j.value("no_cache", false);
  plan.refresh = j.value("refresh", false);
  plan.no_execute = j.value("no_execute", false);
  plan.job = j.value("job", std::string());
  return plan;
}

size_t task_index_from_environment(size_t pages) {
  const char* text = std::getenv("WAYBILL_TASK_INDEX");
  std::string_view s = text ? std::string_view(text) : std::string_view();
  size_t index = 0;
  bool ok = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos && s.size() < 10;
  if (ok) index = std::stoul(std::string(s));
  if (!ok || index >= pages)
    throw Error(ErrorKind::Usage,
                "--task-plan needs WAYBILL_TASK_INDEX between 0 and " + std::to_string(pages ? pages - 1 : 0) +
                    (text ? ", not `" + printable(s) + "`" : ", and it is not set"),
                {}, "the batch engine sets it for each task (the job script exports it from SLURM_ARRAY_TASK_ID)");
  return index;
}

namespace {

std::string counts(const batch::ArrayProgress& p) {
  return std::to_string(p.pending) + " pending, " + std::to_string(p.running) + " running, " + std::to_string(p.done) +
         " done, " + std::to_string(p.failed) + " failed";
}

}  // namespace

std::vector<batch::TaskState> follow_tasks(batch::BatchEngine& engine, const std::string& job, size_t count,
                                           Reporter& reporter) {
  std::optional<batch::ArrayProgress> shown;
  auto pause = std::chrono::milliseconds(250);
  for (;;) {
    std::vector<batch::TaskState> tasks = engine.poll(job, count);
    batch::ArrayProgress now = batch::progress_of(tasks);
    if (!shown || !(*shown == now)) {
      std::string line = "job " + job + ": " + counts(now);
      if (reporter.redraws() && !now.finished()) reporter.activity(line);
      else reporter.status(line);
      shown = now;
    }
    if (now.finished()) return tasks;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

std::string task_reason(const batch::TaskState& state, const fs::path& log) {
  if (state.status != batch::TaskStatus::Failed) return "";
  if (!state.reason.empty() && state.reason != "FAILED") return state.reason;
  std::string text = read_file_if_exists(log).value_or("");
  // slurmstepd's own lines in the task's log.
  if (text.find("xceeded job memory limit") != std::string::npos || text.find("oom_kill event") != std::string::npos ||
      text.find("oom-kill event") != std::string::npos)
    return "OUT_OF_MEMORY";
  if (text.find("DUE TO TIME LIMIT") != std::string::npos) return "TIMEOUT";
  if (text.find("DUE TO NODE FAILURE") != std::string::npos) return "NODE_FAIL";
  return state.reason.empty() ? "FAILED" : state.reason;
}

std::string task_failure(const batch::TaskState& state, const fs::path& log) {
  std::string reason = task_reason(state, log);
  std::string why = "its task ended " + (reason.empty() ? std::string("without a result") : reason) +
                    " (exit status " + std::to_string(state.exit_code) + ")";
  auto text = read_file_if_exists(log);
  if (!text || text->empty()) return why + "; its log " + log.string() + " is empty";
  std::vector<std::string_view> lines = split_lines(*text);
  size_t from = lines.size() > 8 ? lines.size() - 8 : 0;
  std::string tail;
  for (size_t i = from; i < lines.size(); ++i) tail += "\n  | " + printable(lines[i], 200);
  return why + "; the end of " + log.string() + ":" + tail;
}

}  // namespace waybill::site
