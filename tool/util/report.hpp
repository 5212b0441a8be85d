#pragma once
// How library code talks to the user without printing: warnings and progress go to a
// Reporter that the CLI implements (stderr, --quiet) and tests implement (a vector).
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/error.hpp"

namespace waybill {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void diagnostic(const Diagnostic& d) = 0;
  // A one-line progress message ("render paper.md → paper.html").
  virtual void status(std::string_view text) = 0;

  void warn(std::string message, SourceLoc loc = {}, std::string hint = {}) {
    diagnostic(Diagnostic{Severity::Warning, std::move(message), std::move(loc), std::move(hint)});
  }
};

// Keeps everything; used by tests and by callers that print later.
class CollectingReporter : public Reporter {
 public:
  void diagnostic(const Diagnostic& d) override { diagnostics.push_back(d); }
  void status(std::string_view text) override { statuses.emplace_back(text); }

  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> statuses;
};

// Passes each distinct diagnostic on once: rendering one document to several formats
// walks it several times, and a warning should not repeat.
class DeduplicatingReporter : public Reporter {
 public:
  explicit DeduplicatingReporter(Reporter& next) : next_(next) {}
  void diagnostic(const Diagnostic& d) override {
    std::string key = d.loc.str() + '\x1f' + d.message;
    if (seen_.insert(std::move(key)).second) next_.diagnostic(d);
  }
  void status(std::string_view text) override { next_.status(text); }

 private:
  Reporter& next_;
  std::unordered_set<std::string> seen_;
};

}  // namespace waybill
