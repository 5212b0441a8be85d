#pragma once
// Commands that must run as the user outside waybill's user namespace (issue 21). In the
// namespace an ordinary user is uid 0, and Slurm's commands send the controller their
// uid while munge vouches for the real one, so the controller refuses the job ("Invalid
// user id"). A waybill that will need them leaves a small runner outside before it
// enters the namespace; the runner executes them on request, as the user, and replies
// with what they printed. It runs only the commands named in kOutsideCommands.
#include <string>
#include <vector>

#include "util/subprocess.hpp"

namespace waybill {

inline constexpr const char* kOutsideCommands[] = {"sbatch", "squeue", "sacct", "scontrol", "scancel", "sinfo"};

// Forks the runner (a no-op for root, or when one is running). Must be called before
// enter_user_namespace, while the process has one thread. The runner's socket is found
// through WAYBILL_OUTSIDE_RUNNER, so the modules reach it too.
void start_outside_runner();

// Runs argv (one of kOutsideCommands) through the runner when there is one, else here.
// Throws Error(Environment) when the program cannot be started.
ProcessResult run_outside(const std::vector<std::string>& argv);

}  // namespace waybill
