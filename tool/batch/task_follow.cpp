#include "batch/task_follow.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::batch {

namespace fs = std::filesystem;

namespace {

std::string counts(const ArrayProgress& p) {
  return std::to_string(p.pending) + " pending, " + std::to_string(p.running) + " running, " + std::to_string(p.done) +
         " done, " + std::to_string(p.failed) + " failed";
}

}  // namespace

std::vector<TaskState> follow_tasks(BatchEngine& engine, const std::string& job, size_t count, Reporter& reporter) {
  std::optional<ArrayProgress> shown;
  auto pause = std::chrono::milliseconds(250);
  for (;;) {
    std::vector<TaskState> tasks = engine.poll(job, count);
    ArrayProgress now = progress_of(tasks);
    if (!shown || !(*shown == now)) {
      std::string line = "job " + job + ": " + counts(now);
      if (reporter.redraws() && !now.finished()) reporter.activity(line);
      else reporter.status(line);
      shown = now;
    }
    if (now.finished()) return tasks;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

std::string task_reason(const TaskState& state, const fs::path& log) {
  if (state.status != TaskStatus::Failed) return "";
  if (!state.reason.empty() && state.reason != "FAILED") return state.reason;
  std::string text = read_file_if_exists(log).value_or("");
  // slurmstepd's own lines in the task's log.
  if (text.find("xceeded job memory limit") != std::string::npos || text.find("oom_kill event") != std::string::npos ||
      text.find("oom-kill event") != std::string::npos)
    return "OUT_OF_MEMORY";
  if (text.find("DUE TO TIME LIMIT") != std::string::npos) return "TIMEOUT";
  if (text.find("DUE TO NODE FAILURE") != std::string::npos) return "NODE_FAIL";
  return state.reason.empty() ? "FAILED" : state.reason;
}

std::string task_failure(const TaskState& state, const fs::path& log) {
  std::string reason = task_reason(state, log);
  std::string why = "its task ended " + (reason.empty() ? std::string("without a result") : reason) +
                    " (exit status " + std::to_string(state.exit_code) + ")";
  auto text = read_file_if_exists(log);
  if (!text || text->empty()) return why + "; its log " + log.string() + " is empty";
  std::vector<std::string_view> lines = split_lines(*text);
  size_t from = lines.size() > 8 ? lines.size() - 8 : 0;
  std::string tail;
  for (size_t i = from; i < lines.size(); ++i) tail += "\n  | " + printable(lines[i], 200);
  return why + "; the end of " + log.string() + ":" + tail;
}

}  // namespace waybill::batch
