#pragma once
// The Slurm BatchEngine: one `sbatch --array` job per TaskArray, followed with `sacct`
// (or `scontrol`, on clusters without accounting), cancelled with `scancel`. The Slurm
// commands find their cluster as the user's shell would (SLURM_CONF, /etc/slurm).
#include "batch/slurm_text.hpp"
#include "batch/task_array.hpp"

namespace waybill::batch {

class SlurmEngine : public BatchEngine {
 public:
  explicit SlurmEngine(SlurmOptions options) : options_(std::move(options)) {}
  std::string submit(const TaskArray& array) override;
  std::vector<TaskState> poll(const std::string& job, size_t count) override;
  void cancel(const std::string& job) override;
  std::filesystem::path task_log(const TaskArray& array, size_t index) const override;

 private:
  SlurmOptions options_;
  bool accounting_ = true;  // false once sacct said accounting is disabled
};

// Throws Error(Environment) naming the package when sbatch is not installed.
void require_slurm();

}  // namespace waybill::batch
