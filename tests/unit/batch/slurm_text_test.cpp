#include <catch2/catch.hpp>

#include <cstdlib>

#include "batch/slurm_text.hpp"
#include "batch/task_array.hpp"
#include "util/error.hpp"

using namespace waybill::batch;
using waybill::Error;
using waybill::ErrorKind;

TEST_CASE("array index lists as Slurm prints them") {
  CHECK(parse_array_indices("3") == std::vector<size_t>{3});
  CHECK(parse_array_indices("0-3") == std::vector<size_t>{0, 1, 2, 3});
  CHECK(parse_array_indices("1-5%1") == std::vector<size_t>{1, 2, 3, 4, 5});
  CHECK(parse_array_indices("[4-6%2]") == std::vector<size_t>{4, 5, 6});
  CHECK(parse_array_indices("1,4-5") == std::vector<size_t>{1, 4, 5});
  CHECK(!parse_array_indices(""));
  CHECK(!parse_array_indices("5-2"));
  CHECK(!parse_array_indices("x"));
  CHECK(!parse_array_indices("0-99999999999"));
}

TEST_CASE("Slurm job states map to pending, running, done and failed, with the reason kept") {
  CHECK(status_of_slurm_state("COMPLETED") == TaskStatus::Done);
  CHECK(status_of_slurm_state("COMPLETING") == TaskStatus::Running);
  CHECK(status_of_slurm_state("REQUEUED") == TaskStatus::Pending);
  CHECK(status_of_slurm_state("CANCELLED by 1001") == TaskStatus::Failed);
  CHECK(status_of_slurm_state("OUT_OF_MEMORY") == TaskStatus::Failed);
  CHECK(status_of_slurm_state("NODE_FAIL") == TaskStatus::Failed);
}

TEST_CASE("scontrol's one-line records: finished tasks, a running one and a pending range") {
  // As slurmctld 22.05 printed them for a five-task array throttled to one.
  std::string text =
      "JobId=12 ArrayJobId=9 ArrayTaskId=1-4%1 ArrayTaskThrottle=1 JobName=wrap JobState=PENDING "
      "Reason=JobArrayTaskLimit Dependency=(null) ExitCode=0:0\n"
      "JobId=11 ArrayJobId=9 ArrayTaskId=0 ArrayTaskThrottle=1 JobName=wrap JobState=RUNNING Reason=None ExitCode=0:0\n";
  auto t = parse_scontrol(text, 6);
  CHECK(t[0].status == TaskStatus::Running);
  CHECK(t[1].status == TaskStatus::Pending);
  CHECK(t[4].status == TaskStatus::Pending);
  CHECK(t[5].status == TaskStatus::Pending);  // not named yet: pending
  auto done = parse_scontrol("JobId=13 ArrayJobId=9 ArrayTaskId=2 JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0\n"
                             "JobId=14 ArrayJobId=9 ArrayTaskId=3 JobState=CANCELLED Reason=None ExitCode=0:15\n"
                             "JobId=15 ArrayJobId=9 ArrayTaskId=4 JobState=COMPLETED Reason=None ExitCode=0:0\n",
                             5);
  CHECK(done[2].status == TaskStatus::Failed);
  CHECK(done[2].reason == "FAILED");
  CHECK(done[2].exit_code == 1);
  CHECK(done[3].reason == "CANCELLED");
  CHECK(done[3].exit_code == 128 + 15);
  CHECK(done[4].status == TaskStatus::Done);
  CHECK(progress_of(done) == ArrayProgress{2, 0, 1, 2});
}

TEST_CASE("sacct's parsable lines, with tasks not started as a bracketed range") {
  auto t = parse_sacct("21_0|COMPLETED|0:0\n21_1|OUT_OF_MEMORY|0:125\n21_2|TIMEOUT|0:0\n21_[3-4%2]|PENDING|0:0\n", 6);
  CHECK(t[0].status == TaskStatus::Done);
  CHECK(t[1].reason == "OUT_OF_MEMORY");
  CHECK(t[2].reason == "TIMEOUT");
  CHECK(t[3].status == TaskStatus::Pending);
  CHECK(t[5].status == TaskStatus::Pending);
  CHECK(progress_of(t).finished() == false);
}

TEST_CASE("sbatch --parsable's job id, after any warning it printed") {
  CHECK(parse_sbatch_job_id("42\n") == "42");
  CHECK(parse_sbatch_job_id("sbatch: warning: something\n43;cluster\n") == "43");
  CHECK(parse_sbatch_job_id("sbatch: error: Batch job submission failed\n").empty());
}

TEST_CASE("the job script: array with throttle, logs, resources, options, and each word quoted") {
  TaskArray a;
  a.name = "waybill-site";
  a.command = {"/opt/waybill", "site", "/home/ana/course's"};
  a.count = 30;
  a.parallel = 4;
  a.work_dir = "/scratch/ana/_site/.waybill-slurm";
  a.resources.cpus = 2;
  a.resources.memory_bytes = 3ull << 30;
  a.resources.time = std::chrono::seconds(90061);
  a.env = {"WAYBILL_HOME=/scratch/ana/store"};
  SlurmOptions o;
  o.partition = "short";
  o.account = "lab42";
  o.extra = {"--constraint=avx2"};
  std::string s = slurm_job_script(a, o);
  CHECK(s.starts_with("#!/bin/sh\n"));
  CHECK(s.find("#SBATCH --array=0-29%4\n") != std::string::npos);
  CHECK(s.find("#SBATCH --output=/scratch/ana/_site/.waybill-slurm/logs/task-%a.log\n") != std::string::npos);
  CHECK(s.find("#SBATCH --cpus-per-task=2\n") != std::string::npos);
  CHECK(s.find("#SBATCH --mem=3072M\n") != std::string::npos);
  CHECK(s.find("#SBATCH --time=1-01:01:01\n") != std::string::npos);
  CHECK(s.find("#SBATCH --partition=short\n#SBATCH --account=lab42\n#SBATCH --constraint=avx2\n") != std::string::npos);
  CHECK(s.find("export WAYBILL_HOME='/scratch/ana/store'\n") != std::string::npos);
  CHECK(s.find("#SBATCH --requeue\n") != std::string::npos);
  CHECK(s.find("WAYBILL_TASK_ATTEMPT=\"${SLURM_RESTART_COUNT:-0}\"") != std::string::npos);
  CHECK(s.find("exec '/opt/waybill' 'site' '/home/ana/course'\\''s'\n") != std::string::npos);
  CHECK(s.find("#SBATCH --qos") == std::string::npos);
}

TEST_CASE("a task requeued once runs; requeued twice it stops with why") {
  ::unsetenv("WAYBILL_TASK_ATTEMPT");
  CHECK_NOTHROW(check_task_attempt());
  ::setenv("WAYBILL_TASK_ATTEMPT", "1", 1);
  CHECK_NOTHROW(check_task_attempt());
  ::setenv("WAYBILL_TASK_ATTEMPT", "2", 1);
  try {
    check_task_attempt();
    FAIL("a task requeued twice ran");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Environment);
    CHECK(std::string(e.message()).find("requeued 2 times") != std::string::npos);
  }
  ::setenv("WAYBILL_TASK_ATTEMPT", "x", 1);
  CHECK_NOTHROW(check_task_attempt());  // not an engine's count: not ours to judge
  ::unsetenv("WAYBILL_TASK_ATTEMPT");
}
