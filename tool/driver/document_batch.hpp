#pragma once
// `render DOC... --on slurm` and `check DOC... --on slurm` (issue 21): one task per
// document, each `waybill VERB --task-plan PLAN` on a node, doing for its one document
// exactly what the verb does locally and leaving its result (JSON) beside the plan. The
// plan, the job script and the tasks' logs and results are in .waybill-batch/VERB/ under
// the working directory, which the nodes must see, as they see the documents.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/batch_request.hpp"
#include "exec/executor.hpp"
#include "plan/trust.hpp"
#include "util/error.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

class ProjectLookup;  // driver/project_lookup.hpp

// The submitting node's part, before any task (issue 21): `file` read and planned, its
// images built or found, once, in the shared store (with `policy.build`), and every cell
// looked up in the cache. Returns how many steps would run (0: every result is cached, so
// there is nothing to submit). Throws Error at its place for a document that cannot run.
size_t prepare_for_batch(const std::string& file, ProjectLookup* projects, const plan::Grants& grants,
                         exec::RunPolicy policy, Reporter& reporter);

// What one task left: its result, or why there is none (the engine's reason and the end
// of the task's log).
struct DocumentTaskResult {
  std::optional<nlohmann::json> result;
  std::string failure;

  // The error the task's result reports, if it reports one in the form tasks write (the
  // file is on shared storage: input, not trusted).
  std::optional<Error> error() const;
};

// Submits one task per file, follows the job to its end (a status line per change) and
// returns each file's result, in order. `options` is what every task reads back besides
// its file (the verb's flags and grants).
std::vector<DocumentTaskResult> run_document_batch(const std::string& verb, const std::vector<std::string>& files,
                                                   const nlohmann::json& options, const batch::BatchRequest& request,
                                                   Reporter& reporter);

// In a task: its file (the one at WAYBILL_TASK_INDEX), the plan's options, and where
// its result goes.
struct DocumentTask {
  std::string file;
  nlohmann::json options;
  std::filesystem::path result;
};
DocumentTask read_document_task(const std::filesystem::path& plan);

}  // namespace waybill::driver
