#include "cli/batch_flags.hpp"

#include "util/error.hpp"
#include "util/units.hpp"

namespace waybill::cli {

batch::BatchRequest BatchFlags::finish() const {
  batch::BatchRequest b = request;
  if (!memory.empty()) {
    auto bytes = parse_byte_size(memory);
    if (!bytes || *bytes == 0) throw Error(ErrorKind::Usage, "invalid --mem `" + memory + "`", {}, "write a size, e.g. --mem 4g");
    b.memory_bytes = *bytes;
  }
  if (!time.empty()) {
    auto d = parse_duration(time);
    if (!d || d->count() < 1000)
      throw Error(ErrorKind::Usage, "invalid --time `" + time + "`", {}, "write a duration, e.g. --time 2h or --time 90m");
    b.time_seconds = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  }
  if (!b.attach.empty()) {
    if (b.attach.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorKind::Usage, "invalid --attach `" + b.attach + "`", {},
                  "give the job id that --detach printed, e.g. --attach 81234");
    if (b.detach) throw Error(ErrorKind::Usage, "--attach and --detach do not go together");
    b.on = "slurm";
  }
  bool asks = b.detach || b.parallel || !b.partition.empty() || !b.account.empty() || !b.qos.empty() || !b.sbatch.empty() || b.cpus ||
              b.memory_bytes || b.time_seconds;
  if (b.on.empty() && asks)
    throw Error(ErrorKind::Usage, "the Slurm options need --on slurm", {}, "add --on slurm, or leave them out");
  return b;
}

void add_batch_flags(CLI::App& sub, BatchFlags& f, const std::string& unit, bool detachable) {
  const char* group = "Scale-out (site/scale-out.md)";
  sub.add_option("--on", f.request.on,
                 "Run on a cluster: `slurm` submits one job array, a task per " + unit +
                     ", with the images in the shared store (WAYBILL_HOME)")
      ->check(CLI::IsMember({"slurm"}))
      ->group(group);
  sub.add_option("--partition", f.request.partition, "Slurm partition for the tasks")->group(group);
  sub.add_option("--account", f.request.account, "Slurm account the tasks are charged to")->group(group);
  sub.add_option("--qos", f.request.qos, "Slurm quality of service")->group(group);
  sub.add_option("--cpus-per-task", f.request.cpus, "CPUs each task asks for")->group(group);
  sub.add_option("--mem", f.memory, "Memory each task asks for (4g, 512m)")->group(group);
  sub.add_option("--time", f.time, "Time limit of each task (90m, 2h)")->group(group);
  sub.add_option("--sbatch", f.request.sbatch, "One more sbatch argument, whole (--sbatch=--constraint=avx2); repeatable")
      ->allow_extra_args(false)
      ->group(group);
  if (!detachable)  // the site's --jobs is its own, and bounds its tasks too
    sub.add_option("-j,--jobs", f.request.parallel, "With --on: at most N tasks run at once (the array's % throttle)")
        ->group(group);
  if (detachable) {
    sub.add_flag("--detach", f.request.detach, "Submit the job, print its id and return; `--attach JOBID` follows it")
        ->group(group);
    sub.add_option("--attach", f.request.attach,
                   "Follow a job submitted with --detach until it ends, then write the results (implies --on slurm)")
        ->type_name("JOBID")
        ->group(group);
  }
  sub.add_option("--task-plan", f.task_plan, "Internal: run one task of a submitted batch")->group("")->type_name("FILE");
}

}  // namespace waybill::cli
