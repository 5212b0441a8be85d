#include "batch/slurm_engine.hpp"

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/outside_runner.hpp"

namespace waybill::batch {

namespace fs = std::filesystem;

namespace {

Error slurm_error(const std::string& what, const ProcessResult& r) {
  return Error(ErrorKind::Environment, what + ": " + std::string(trim(printable(r.output, 600))), {},
               "check the cluster with `sinfo`; the job script is saved beside the site's working files");
}

}  // namespace

void require_slurm() {
  if (!program_exists("sbatch"))
    throw Error(ErrorKind::Environment, "--on slurm needs Slurm's commands (sbatch, sacct, scancel), and sbatch is not in PATH",
                {}, "run waybill on a login node of the cluster, or install slurm-client");
}

std::string SlurmEngine::submit(const TaskArray& array) {
  require_slurm();
  make_dirs(array.work_dir / "logs");
  fs::path script = array.work_dir / "job.sh";
  write_file_atomic(script, slurm_job_script(array, options_), 0755);
  ProcessResult r = run_outside({"sbatch", "--parsable", script.string()});
  std::string job = parse_sbatch_job_id(r.output);
  if (!r.ok() || job.empty()) throw slurm_error("sbatch refused " + script.string(), r);
  return job;
}

std::vector<TaskState> SlurmEngine::poll(const std::string& job, size_t count) {
  if (accounting_) {
    ProcessResult r = run_outside({"sacct", "-n", "-P", "-X", "-j", job, "-o", "JobID,State,ExitCode"});
    if (r.ok()) return parse_sacct(r.output, count);
    accounting_ = false;  // "Slurm accounting storage is disabled": the controller still knows
  }
  ProcessResult r = run_outside({"scontrol", "-o", "show", "job", job});
  if (!r.ok()) throw slurm_error("scontrol could not show job " + job, r);
  return parse_scontrol(r.output, count);
}

void SlurmEngine::cancel(const std::string& job) { run_outside({"scancel", job}); }

fs::path SlurmEngine::task_log(const TaskArray& array, size_t index) const {
  return array.work_dir / "logs" / ("task-" + std::to_string(index) + ".log");
}

}  // namespace waybill::batch
