#pragma once
// What waybill writes to Slurm and reads back from it, as pure functions of text, so
// they are tested without a cluster: the job script, array index lists, and the task
// states `sacct` and `scontrol` print.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/task_array.hpp"

namespace waybill::batch {

// What waybill.yml's `slurm:` and the command line give sbatch.
struct SlurmOptions {
  std::string partition, account, qos;
  std::vector<std::string> extra;  // more sbatch arguments, one per element
};

// The job script: #SBATCH lines for the array, its throttle, the logs, the resources and
// the options, then the command, each word quoted for sh. Saved beside the site's working
// files, so a user can read it and submit it again.
std::string slurm_job_script(const TaskArray& array, const SlurmOptions& options);

// Quotes a word for sh: 'it'\''s'.
std::string shell_quote(std::string_view word);

// The indices of an array expression as Slurm prints them: "3", "0-7", "1,4-6", with an
// optional "%N" throttle and brackets ("[4-6%2]"). Nothing when it is not one.
std::optional<std::vector<size_t>> parse_array_indices(std::string_view text);

// A Slurm job state (COMPLETED, OUT_OF_MEMORY, "CANCELLED by 1001", ...) as a status.
TaskStatus status_of_slurm_state(std::string_view state);

// `sacct -n -P -X -j JOB -o JobID,State,ExitCode` (JobID "12_3", or "12_[4-6]" for tasks
// not started yet). Tasks it does not name stay Pending.
std::vector<TaskState> parse_sacct(std::string_view text, size_t count);

// `scontrol -o show job JOB`: one line per task (or per range of pending tasks) with
// ArrayTaskId=, JobState=, Reason= and ExitCode=, for clusters without accounting.
std::vector<TaskState> parse_scontrol(std::string_view text, size_t count);

// The job id `sbatch --parsable` printed ("12" or "12;cluster"), from the last line that
// is one; empty when none is.
std::string parse_sbatch_job_id(std::string_view output);

}  // namespace waybill::batch
