#pragma once
// The CLI's Reporter: diagnostics and progress to stderr (colour on a terminal), with
// nothing on stdout but what a verb is asked to print.
#include "util/report.hpp"

namespace waybill::cli {

class ConsoleReporter : public Reporter {
 public:
  // How builds show their steps: redrawn in place on a terminal (Auto), or always one
  // line per step and every line a RUN step prints (Plain); Tty redraws anywhere.
  enum class Progress { Auto, Plain, Tty };
  ConsoleReporter(bool quiet, bool color, Progress progress = Progress::Auto);
  void diagnostic(const Diagnostic& d) override;
  void status(std::string_view text) override;
  // On a terminal, one line redrawn at most ten times a second; elsewhere nothing
  // (status lines say what is happening).
  void progress(std::string_view label, uint64_t done, uint64_t total) override;
  void activity(std::string_view text) override;
  bool redraws() const override { return redraws_; }

  int warnings() const { return warnings_; }

 private:
  void clear_progress();

  bool quiet_;
  bool color_;
  bool tty_;
  bool redraws_;
  bool progress_shown_ = false;
  int64_t last_draw_ms_ = 0;
  int warnings_ = 0;
};

// Whether stderr is a terminal that takes colour (and NO_COLOR is unset).
bool stderr_has_color();

}  // namespace waybill::cli
