#pragma once
// The CLI's Reporter: diagnostics and progress to stderr (colour on a terminal), with
// nothing on stdout but what a verb is asked to print.
#include "util/report.hpp"

namespace waybill::cli {

class ConsoleReporter : public Reporter {
 public:
  ConsoleReporter(bool quiet, bool color) : quiet_(quiet), color_(color) {}
  void diagnostic(const Diagnostic& d) override;
  void status(std::string_view text) override;

  int warnings() const { return warnings_; }

 private:
  bool quiet_;
  bool color_;
  int warnings_ = 0;
};

// Whether stderr is a terminal that takes colour (and NO_COLOR is unset).
bool stderr_has_color();

}  // namespace waybill::cli
