#pragma once
// Where a command's units of work (a site's pages, the documents of render or check) run:
// on this machine, or as one task each on a cluster, with what each task asks the cluster
// for. waybill.yml's `slurm:` gives a project's settings; the command line's flags
// override them one by one.
#include <cstdint>
#include <string>
#include <vector>

namespace waybill::batch {

struct BatchRequest {
  std::string on;                      // "" (this machine) or "slurm"
  std::string partition, account, qos;
  std::vector<std::string> sbatch;     // more sbatch arguments, each whole ("--constraint=avx2")
  unsigned cpus = 0;                   // per task; 0: the engine's default
  uint64_t memory_bytes = 0;
  int64_t time_seconds = 0;
  unsigned parallel = 0;               // at most this many tasks at once (the array's %); 0: no bound
  bool detach = false;                 // submit, print the job, and leave it running
  std::string attach;                  // follow this job of an earlier --detach, then write the site

  // This request's settings, with `project`'s where this one has none (sbatch: both).
  BatchRequest over(const BatchRequest& project) const {
    BatchRequest r = *this;
    if (r.partition.empty()) r.partition = project.partition;
    if (r.account.empty()) r.account = project.account;
    if (r.qos.empty()) r.qos = project.qos;
    if (!r.cpus) r.cpus = project.cpus;
    if (!r.memory_bytes) r.memory_bytes = project.memory_bytes;
    if (!r.time_seconds) r.time_seconds = project.time_seconds;
    r.sbatch.insert(r.sbatch.begin(), project.sbatch.begin(), project.sbatch.end());
    return r;
  }
};

}  // namespace waybill::batch
