#pragma once
// Scale-out (issue 21): a piece of work split into N tasks of one command, run by a batch
// engine (Slurm today; a Kubernetes indexed Job is meant to be a second BatchEngine, not
// a fork of the site builder). The caller plans the tasks and gathers their results; the
// engine only starts the command N times, follows the tasks and says how each ended.
//
// Each task runs `command` with WAYBILL_TASK_INDEX set to its index (0..count-1), and
// WAYBILL_TASK_ATTEMPT to the times the engine restarted it (0 the first time): the
// command is the same for every task, so a job script stays one readable command.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace waybill::batch {

// What one task may use; zero: the engine's default.
struct TaskResources {
  unsigned cpus = 0;
  uint64_t memory_bytes = 0;
  std::chrono::seconds time{0};
};

struct TaskArray {
  std::string name;                   // the job's name, as the engine lists it
  std::vector<std::string> command;   // argv every task runs
  size_t count = 0;
  unsigned parallel = 0;              // at most this many tasks at once; 0: no bound
  std::filesystem::path work_dir;     // on storage every node sees: the job script, the task logs
  TaskResources resources;
  std::vector<std::string> env;       // K=V set for every task
};

enum class TaskStatus { Pending, Running, Done, Failed };

// How one task stands. For a failed one, `reason` is the engine's word for why
// (FAILED, OUT_OF_MEMORY, TIMEOUT, CANCELLED, NODE_FAIL, ...), `exit_code` the command's.
struct TaskState {
  TaskStatus status = TaskStatus::Pending;
  std::string reason;
  int exit_code = 0;
};

// Counts of tasks by status, for progress lines.
struct ArrayProgress {
  size_t pending = 0, running = 0, done = 0, failed = 0;
  bool operator==(const ArrayProgress&) const = default;
  bool finished() const { return pending == 0 && running == 0; }
};
ArrayProgress progress_of(const std::vector<TaskState>& tasks);

// In a task: its index, from WAYBILL_TASK_INDEX, checked against the task count. Throws
// Error(Usage) naming the variable when it is missing or out of range.
size_t task_index_from_environment(size_t count);

// In a task: throws Error(Environment) when the engine has started it more than twice.
// An engine requeues a task whose node failed (WAYBILL_TASK_ATTEMPT counts the restarts);
// once rides out a bad node, more is a task that takes its nodes down with it.
void check_task_attempt();

class BatchEngine {
 public:
  virtual ~BatchEngine() = default;
  // Submits every task as one job; returns its id. Throws Error(Environment) with the
  // engine's own message when it refuses.
  virtual std::string submit(const TaskArray& array) = 0;
  // The state of each of the job's `count` tasks, by index.
  virtual std::vector<TaskState> poll(const std::string& job, size_t count) = 0;
  virtual void cancel(const std::string& job) = 0;
  // Where task `index`'s output (stdout and stderr) goes.
  virtual std::filesystem::path task_log(const TaskArray& array, size_t index) const = 0;
};

}  // namespace waybill::batch
