#include "site/site_batch.hpp"

#include <nlohmann/json.hpp>

#include "plan/grants_json.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

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

}  // namespace waybill::site
