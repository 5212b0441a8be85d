#pragma once
// The scale-out flags (--on slurm and what each task asks the cluster for), the same for
// site, render and check; site adds --detach and --attach.
#include <CLI/CLI.hpp>

#include <string>

#include "batch/batch_request.hpp"

namespace waybill::cli {

struct BatchFlags {
  batch::BatchRequest request;
  std::string memory, time;  // as written: parsed by finish()
  std::string task_plan;     // internal: a task of a submitted batch

  // Parses --mem and --time, and checks the flags go together. Throws Error(Usage).
  batch::BatchRequest finish() const;
};

// `unit` names what a task renders or checks ("page", "document").
void add_batch_flags(CLI::App& sub, BatchFlags& flags, const std::string& unit, bool detachable);

}  // namespace waybill::cli
