#include "cli/console.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include "util/units.hpp"

namespace waybill::cli {

bool stderr_has_color() {
  const char* no = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) && !(no && *no) && !(term && std::string(term) == "dumb");
}

ConsoleReporter::ConsoleReporter(bool quiet, bool color, Progress progress)
    : quiet_(quiet), color_(color), tty_(::isatty(STDERR_FILENO)),
      redraws_(progress == Progress::Tty || (progress == Progress::Auto && tty_)) {}

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void ConsoleReporter::clear_progress() {
  if (progress_shown_) std::fputs("\r\033[K", stderr);
  progress_shown_ = false;
}

void ConsoleReporter::progress(std::string_view label, uint64_t done, uint64_t total) {
  if (quiet_ || !tty_) return;
  if (total != 0 && done >= total) {
    clear_progress();
    return;
  }
  int64_t now = now_ms();
  if (progress_shown_ && now - last_draw_ms_ < 100) return;
  last_draw_ms_ = now;
  std::string line(label);
  line += " " + format_bytes(static_cast<int64_t>(done));
  if (total) line += " of " + format_bytes(static_cast<int64_t>(total)) + " (" + std::to_string(done * 100 / total) + "%)";
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  progress_shown_ = true;
}

void ConsoleReporter::activity(std::string_view text) {
  if (quiet_ || !tty_) return;
  std::fprintf(stderr, "\r\033[K%.*s", static_cast<int>(text.size()), text.data());
  progress_shown_ = true;
}

void ConsoleReporter::diagnostic(const Diagnostic& d) {
  clear_progress();
  if (d.severity == Severity::Warning) ++warnings_;
  // Warnings are printed even with --quiet: they are about the user's input.
  std::string line = format_diagnostic(d, color_);
  std::fprintf(stderr, "%s\n", line.c_str());
}

void ConsoleReporter::status(std::string_view text) {
  if (quiet_) return;
  clear_progress();
  std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
}

}  // namespace waybill::cli
