#include <catch2/catch.hpp>

#include <cstdlib>

#include "batch/task_follow.hpp"
#include "site/site_batch.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::site;
namespace fs = std::filesystem;

namespace {

batch::TaskState failed(std::string reason, int code) {
  batch::TaskState s;
  s.status = batch::TaskStatus::Failed;
  s.reason = std::move(reason);
  s.exit_code = code;
  return s;
}

}  // namespace

TEST_CASE("a failed task's reason: the engine's, else what slurmstepd wrote in its log") {
  TempDir dir("site-batch-test");
  fs::path log = dir.path() / "task-2.log";
  CHECK(batch::task_reason(batch::TaskState{}, log).empty());
  CHECK(batch::task_reason(failed("TIMEOUT", 0), log) == "TIMEOUT");
  CHECK(batch::task_reason(failed("FAILED", 1), log) == "FAILED");  // no log: nothing more to say
  // As Slurm 22.05 wrote it for a task over --mem, reporting the task FAILED.
  write_file_atomic(log, "slurmstepd-vm: error: StepId=6.batch exceeded memory limit (653172736 > 629145600), being killed\n"
                  "slurmstepd-vm: error: Exceeded job memory limit\n");
  CHECK(batch::task_reason(failed("FAILED", 137), log) == "OUT_OF_MEMORY");
  std::string text = batch::task_failure(failed("FAILED", 137), log);
  CHECK(text.find("ended OUT_OF_MEMORY (exit status 137)") != std::string::npos);
  CHECK(text.find("| slurmstepd-vm: error: Exceeded job memory limit") != std::string::npos);
  write_file_atomic(log, "slurmstepd: error: *** JOB 7 ON n1 CANCELLED AT 2026-12-04T10:00:00 DUE TO TIME LIMIT ***\n");
  CHECK(batch::task_reason(failed("FAILED", 0), log) == "TIMEOUT");
}

TEST_CASE("the batch plan round-trips, and a task's index comes from WAYBILL_TASK_INDEX") {
  TempDir dir("site-batch-test");
  fs::path path = batch_plan_path(dir.path());
  BatchPlan plan;
  plan.pages = {{"index.md", "k1"}, {"lessons/a.md", "k2"}};
  plan.grants.network = true;
  plan.refresh = true;
  plan.job = "42";
  write_batch_plan(path, plan);
  BatchPlan back = read_batch_plan(path);
  REQUIRE(back.pages.size() == 2);
  CHECK(back.pages[1].page == "lessons/a.md");
  CHECK(back.pages[1].key == "k2");
  CHECK(back.grants.network);
  CHECK(back.refresh);
  CHECK(back.job == "42");
  write_file_atomic(path, "{\"version\": 1}");
  CHECK_THROWS_AS(read_batch_plan(path), Error);

  ::setenv("WAYBILL_TASK_INDEX", "1", 1);
  CHECK(batch::task_index_from_environment(2) == 1);
  ::setenv("WAYBILL_TASK_INDEX", "2", 1);
  CHECK_THROWS_AS(batch::task_index_from_environment(2), Error);
  ::setenv("WAYBILL_TASK_INDEX", "-1", 1);
  CHECK_THROWS_AS(batch::task_index_from_environment(2), Error);
  ::unsetenv("WAYBILL_TASK_INDEX");
  CHECK_THROWS_AS(batch::task_index_from_environment(2), Error);
}
