#pragma once
// Following a submitted TaskArray to its end, and saying why a task failed: what every
// caller of a BatchEngine (a site's pages, render's and check's documents) shows.
#include <filesystem>
#include <string>
#include <vector>

#include "batch/task_array.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::batch {

// Follows `job` until every task has ended, a status line each time the counts change.
std::vector<TaskState> follow_tasks(BatchEngine& engine, const std::string& job, size_t count, Reporter& reporter);

// The engine's reason for a failed task, made precise from its log where the engine
// says only FAILED (Slurm without accounting reports a task it killed for its memory
// as FAILED, and says why in the log): OUT_OF_MEMORY, TIMEOUT, NODE_FAIL, CANCELLED.
// Empty for a task that did not fail.
std::string task_reason(const TaskState& state, const std::filesystem::path& log);

// Why a task ended without a result: the engine's reason and exit code, then the last
// lines of its log.
std::string task_failure(const TaskState& state, const std::filesystem::path& log);

}  // namespace waybill::batch
