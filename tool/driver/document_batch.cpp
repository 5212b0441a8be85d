#include "driver/document_batch.hpp"

#include <cstdlib>

#include "batch/slurm_engine.hpp"
#include "batch/task_array.hpp"
#include "batch/task_follow.hpp"
#include "driver/execute.hpp"
#include "driver/page_context.hpp"
#include "driver/prepare.hpp"
#include "driver/project_lookup.hpp"
#include "oci/store.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/module_call.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::driver {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path result_path(const fs::path& dir, size_t index) { return dir / "results" / (std::to_string(index) + ".json"); }

}  // namespace

std::optional<Error> DocumentTaskResult::error() const {
  try {
    if (result && result->contains("error") && (*result)["error"].is_object()) return error_from_json((*result)["error"]);
  } catch (const json::exception&) {
    // not what a task writes: the task's state and log say the rest
  }
  return std::nullopt;
}

size_t prepare_for_batch(const std::string& file, ProjectLookup* projects, const plan::Grants& grants,
                         exec::RunPolicy policy, Reporter& reporter) {
  PageContext* page = projects ? projects->page_for(file, reporter) : nullptr;
  PreparedDocument p = prepare(file, page, grants, reporter);
  if (p.plan.images.empty() && p.plan.sessions.empty()) return 0;
  policy.probe = true;
  if (page) projects->prepare_images(*page, p.plan, policy, reporter);
  return execute(p, page, policy, grants, reporter).stats.steps_to_run;
}

std::vector<DocumentTaskResult> run_document_batch(const std::string& verb, const std::vector<std::string>& files,
                                                   const json& options, const batch::BatchRequest& request,
                                                   Reporter& reporter) {
  batch::require_slurm();
  fs::path dir = fs::absolute(fs::current_path() / ".waybill-batch" / verb);
  std::error_code ec;
  fs::remove_all(dir, ec);
  make_dirs(dir / "results");
  json absolute = json::array();
  for (const auto& f : files) absolute.push_back(fs::absolute(f).lexically_normal().string());
  fs::path plan = dir / "plan.json";
  write_file_atomic(plan, json{{"version", 1}, {"verb", verb}, {"files", absolute}, {"options", options}}.dump(1) + "\n");

  batch::TaskArray array;
  array.name = "waybill-" + verb;
  array.command = {executable_path().string(), verb, "--task-plan", plan.string()};
  array.count = files.size();
  array.parallel = request.parallel;
  array.work_dir = dir;
  array.resources = {request.cpus, request.memory_bytes, std::chrono::seconds(request.time_seconds)};
  array.env = {"WAYBILL_HOME=" + fs::absolute(oci::default_home()).string()};
  batch::SlurmEngine engine({request.partition, request.account, request.qos, request.sbatch});
  std::string job = engine.submit(array);
  reporter.status("submitted Slurm job " + job + ": " + std::to_string(files.size()) + " document(s), " +
                  display_path(dir / "job.sh"));
  std::vector<batch::TaskState> states = batch::follow_tasks(engine, job, files.size(), reporter);

  std::vector<DocumentTaskResult> out(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    auto text = read_file_if_exists(result_path(dir, i));
    json r = text ? json::parse(*text, nullptr, false) : json();
    if (r.is_object()) {
      out[i].result = std::move(r);
      continue;
    }
    out[i].failure = "on Slurm, " + batch::task_failure(states[i], engine.task_log(array, i));
  }
  return out;
}

DocumentTask read_document_task(const fs::path& plan) {
  auto text = read_file_if_exists(plan);
  json j = text ? json::parse(*text, nullptr, false) : json();
  if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("files") || !j["files"].is_array())
    throw Error(ErrorKind::Usage, "not a batch plan of this waybill", SourceLoc{plan.string(), 0, 0},
                "the plan is written by `waybill render|check --on slurm`; submit again");
  size_t index = batch::task_index_from_environment(j["files"].size());
  DocumentTask task{j["files"][index].get<std::string>(), j.value("options", json::object()),
                    result_path(plan.parent_path(), index)};
  // A requeued task's earlier run may have left a result: this run writes its own.
  std::error_code ec;
  fs::remove(task.result, ec);
  try {
    batch::check_task_attempt();
  } catch (const Error& e) {
    write_file_atomic(task.result, json{{"ok", false}, {"error", error_to_json(e)}}.dump());
    throw;
  }
  return task;
}

}  // namespace waybill::driver
