#pragma once
// `waybill check`: each document prepared as render prepares it (driver/prepare.hpp),
// run again and compared with its lock file (prov/drift.hpp). Cells always run again (a
// cached result would prove nothing); images are rebuilt through the build cache, or
// without it (--no-cache), or with their bases obtained again (--rebuild).
#include <optional>
#include <string>
#include <vector>

#include "batch/batch_request.hpp"
#include "plan/trust.hpp"
#include "prov/drift.hpp"
#include "util/error.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

class ProjectLookup;  // driver/project_lookup.hpp

struct CheckRequest {
  std::vector<std::string> files;
  std::string junit_file;       // write JUnit XML here as well
  bool no_cache = false;        // build images without the build cache; store no cell result
  bool rebuild = false;         // --no-cache, and bases obtained again from their recipes
  bool images_ready = false;    // a task of a batch: its submitter built the images (--no-cache and --rebuild done)
  bool color = false;           // the report goes to a terminal
  plan::Grants grants;          // what the command line allows the documents (plan/trust.hpp)
  batch::BatchRequest batch;    // --on slurm: one task per document (driver/document_batch.hpp)
  std::string task_plan;        // a task of such a batch: check the document WAYBILL_TASK_INDEX names
  // Finds the project a document is a page of (driver/project_lookup.hpp); null: none.
  ProjectLookup* projects = nullptr;
};

struct CheckOutcome {
  std::vector<prov::DocumentCheck> documents;
  std::string report;           // the per-step report, for standard output
  std::optional<Error> error;   // the first document that could not be checked at all
  bool drifted = false;         // some step, image or input drifted or failed
};

// Checks every document, even after one fails to run; writes the JUnit file. Throws
// Error only for what stops all checking (a JUnit file that cannot be written).
CheckOutcome check_documents(const CheckRequest& request, Reporter& reporter);

}  // namespace waybill::driver
