#pragma once
// How library code talks to the user without printing: warnings and progress go to a
// Reporter that the CLI implements (stderr, --quiet) and tests implement (a vector).
#include <cstdint>
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
  // Progress of a long operation, `done` of `total` units (bytes unless said otherwise;
  // total 0 when unknown). Called often; a terminal redraws one line, other outputs
  // ignore it, and `done == total` marks the end.
  virtual void progress(std::string_view label, uint64_t done, uint64_t total) {
    (void)label, (void)done, (void)total;
  }

  // What is happening now ("[2/7] RUN make"): one line that a terminal redraws in
  // place until the next status or activity; other outputs ignore it.
  virtual void activity(std::string_view text) { (void)text; }

  // Whether activity lines are redrawn in place (a terminal): builds then show one line
  // per step instead of every line a RUN step prints. A property of where messages go,
  // so no request carries it.
  virtual bool redraws() const { return false; }

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
  void progress(std::string_view label, uint64_t done, uint64_t total) override { next_.progress(label, done, total); }
  void activity(std::string_view text) override { next_.activity(text); }
  bool redraws() const override { return next_.redraws(); }

 private:
  Reporter& next_;
  std::unordered_set<std::string> seen_;
};

// Holds warnings back until flush() (or its end), then passes each once, at its first
// place, saying where else the same warning arose: a knitr option on thirty chunks is
// one warning, not thirty. Statuses and progress pass at once.
class GroupingReporter : public Reporter {
 public:
  explicit GroupingReporter(Reporter& next) : next_(next) {}
  GroupingReporter(const GroupingReporter&) = delete;
  GroupingReporter& operator=(const GroupingReporter&) = delete;
  ~GroupingReporter() override { flush(); }
  void diagnostic(const Diagnostic& d) override;
  void status(std::string_view text) override { next_.status(text); }
  void progress(std::string_view label, uint64_t done, uint64_t total) override { next_.progress(label, done, total); }
  void activity(std::string_view text) override { next_.activity(text); }
  bool redraws() const override { return next_.redraws(); }
  void flush();

 private:
  struct Group {
    Diagnostic first;
    std::vector<SourceLoc> more;
  };
  Reporter& next_;
  std::vector<Group> groups_;
};

}  // namespace waybill
