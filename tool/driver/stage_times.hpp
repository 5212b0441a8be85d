#pragma once
// Where a render's time goes, stage by stage (as mold's per-pass timers): --stats
// writes it and --timings prints it, so performance work starts from a measurement.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace waybill::driver {

struct StageTimes {
  double read = 0, plan = 0, build = 0, execute = 0, write = 0;  // milliseconds

  StageTimes& operator+=(const StageTimes& o);
  nlohmann::json to_json() const;
  // One line per stage with its share of the total, for --timings.
  std::string table() const;
};

// Adds the time from construction to destruction to `slot` (when not null).
class StageTimer {
 public:
  explicit StageTimer(double* slot) : slot_(slot), t0_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    if (slot_) *slot_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  double* slot_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace waybill::driver
