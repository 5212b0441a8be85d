#include "batch/task_array.hpp"

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

}  // namespace waybill::batch
