#include "batch/task_array.hpp"

#include <cstdlib>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::batch {

ArrayProgress progress_of(const std::vector<TaskState>& tasks) {
  ArrayProgress p;
  for (const auto& t : tasks) {
    switch (t.status) {
      case TaskStatus::Pending: ++p.pending; break;
      case TaskStatus::Running: ++p.running; break;
      case TaskStatus::Done: ++p.done; break;
      case TaskStatus::Failed: ++p.failed; break;
    }
  }
  return p;
}

size_t task_index_from_environment(size_t count) {
  const char* text = std::getenv("WAYBILL_TASK_INDEX");
  std::string_view s = text ? std::string_view(text) : std::string_view();
  size_t index = 0;
  bool ok = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos && s.size() < 10;
  if (ok) index = std::stoul(std::string(s));
  if (!ok || index >= count)
    throw Error(ErrorKind::Usage,
                "--task-plan needs WAYBILL_TASK_INDEX between 0 and " + std::to_string(count ? count - 1 : 0) +
                    (text ? ", not `" + printable(s) + "`" : ", and it is not set"),
                {}, "the batch engine sets it for each task (the job script exports it from SLURM_ARRAY_TASK_ID)");
  return index;
}

}  // namespace waybill::batch

namespace waybill::batch {

void check_task_attempt() {
  const char* text = std::getenv("WAYBILL_TASK_ATTEMPT");
  std::string_view s = text ? std::string_view(text) : std::string_view();
  if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string_view::npos) return;
  unsigned restarts = std::stoul(std::string(s));
  if (restarts > 1)
    throw Error(ErrorKind::Environment,
                "this task was requeued " + std::to_string(restarts) +
                    " times after its nodes failed; waybill runs a task again once only",
                {}, "the nodes may be failing (`sinfo -R` says why); build again to submit it anew");
}

}  // namespace waybill::batch
