#include "cli/console.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace waybill::cli {

bool stderr_has_color() {
  const char* no = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) && !(no && *no) && !(term && std::string(term) == "dumb");
}

void ConsoleReporter::diagnostic(const Diagnostic& d) {
  if (d.severity == Severity::Warning) ++warnings_;
  // Warnings are printed even with --quiet: they are about the user's input.
  std::string line = format_diagnostic(d, color_);
  std::fprintf(stderr, "%s\n", line.c_str());
}

void ConsoleReporter::status(std::string_view text) {
  if (quiet_) return;
  std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
}

}  // namespace waybill::cli
