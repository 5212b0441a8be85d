#pragma once
// What `waybill check` found: the lock (what the document gave when it was locked)
// against a fresh run, step by step, and image by image. Text is compared after
// normalisation, exactly unless a cell's `check` options say what to ignore or how far
// numbers may move; figures by hash, or by pixels when asked; images by digest.
#include <string>
#include <vector>

#include "doc/model.hpp"
#include "prov/lock.hpp"

namespace waybill::prov {

enum class Verdict { Passed, Drifted, Failed, Skipped };

const char* verdict_name(Verdict v);

struct Drift {
  std::string name;        // cell/LABEL, inline/L:C, image/NAME, input/PATH
  int line = 0;            // where in the document, when it is a step
  Verdict verdict = Verdict::Passed;
  std::string detail;      // one line: what changed
  std::string diff;        // unified diff of the text, when there is one
  double seconds = 0;
};

struct DocumentCheck {
  std::string document;
  std::vector<Drift> environment;  // images and inputs
  std::vector<Drift> steps;        // cells and inline expressions, in document order
  size_t count(Verdict v) const;
  bool drifted() const { return count(Verdict::Drifted) + count(Verdict::Failed) > 0; }
};

// Compares a fresh run with the lock. `document` gives each cell's check options.
DocumentCheck compare_with_lock(const Lock& locked, const Lock& fresh, const doc::Document& document);

// Whether two texts are the same once `options` (ignore, tolerance) are applied.
bool same_text(const std::string& locked, const std::string& fresh, const doc::CheckOptions& options);

// Mean absolute channel difference of two PNG images (0 identical, 1 opposite); -1
// when either cannot be decoded or their sizes differ.
double pixel_difference(std::string_view png_a, std::string_view png_b);

// `diff -u` of two texts.
std::string unified_diff(const std::string& a, const std::string& b, const std::string& label_a,
                         const std::string& label_b);

// The per-step report people read: one line per step, diffs indented under drifts.
std::string format_report(const DocumentCheck& check, bool color);

}  // namespace waybill::prov
