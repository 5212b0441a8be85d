#include "prov/drift.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <regex>

#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace waybill::prov {

namespace {

const std::regex& number_pattern() {
  static const std::regex re(R"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)\b)");
  return re;
}

std::string apply_ignore(std::string text, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) text = std::regex_replace(text, std::regex(p, std::regex::ECMAScript), "<ignored>");
  return text;
}

// Text split into what is between numbers, and the numbers.
struct Numbers {
  std::vector<std::string> between;
  std::vector<double> values;
};

Numbers split_numbers(const std::string& text) {
  Numbers n;
  size_t at = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number_pattern()); it != std::sregex_iterator(); ++it) {
    n.between.push_back(text.substr(at, static_cast<size_t>(it->position()) - at));
    n.values.push_back(std::strtod(it->str().c_str(), nullptr));
    at = static_cast<size_t>(it->position() + it->length());
  }
  n.between.push_back(text.substr(at));
  return n;
}

bool close_enough(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= tol * std::max({1.0, std::fabs(a), std::fabs(b)});
}

struct PngFree {
  void operator()(png_image* img) const { png_image_free(img); }
};

std::vector<unsigned char> decode_png(std::string_view bytes, png_uint_32& width, png_uint_32& height) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, bytes.data(), bytes.size())) return {};
  std::unique_ptr<png_image, PngFree> guard(&img);
  img.format = PNG_FORMAT_RGBA;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, pixels.data(), 0, nullptr)) return {};
  width = img.width;
  height = img.height;
  return pixels;
}

const doc::Cell* cell_named(const doc::Document& d, const std::string& name) {
  for (const auto& c : d.cells)
    if (step_name(c) == name) return &c;
  return nullptr;
}

std::string short_digest(const std::string& d) {
  auto colon = d.find(':');
  return colon == std::string::npos ? d.substr(0, 12) : d.substr(colon + 1, 12);
}

// Text of a step's outputs, for a diff people can read: one section per output.
std::string readable(const LockedStep& s) {
  std::string out;
  for (const auto& o : s.outputs) {
    out += "[" + o.kind + (o.name.empty() ? "" : " " + o.name) + "]\n";
    out += (o.is_text() ? o.text : o.digest) + "\n";
  }
  return out;
}

// Compares one step's outputs; "" when they agree under the cell's options.
std::string compare_outputs(const LockedStep& a, const LockedStep& b, const doc::CheckOptions& opt) {
  if (a.outputs.size() != b.outputs.size())
    return std::to_string(b.outputs.size()) + " outputs, the lock has " + std::to_string(a.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    const LockedOutput& x = a.outputs[i];
    const LockedOutput& y = b.outputs[i];
    std::string what = y.kind + (y.name.empty() ? "" : " " + y.name);
    if (x.kind != y.kind) return "output " + std::to_string(i + 1) + " is " + what + ", the lock has " + x.kind;
    if (x.digest == y.digest) continue;
    if (!x.is_text()) {
      if (opt.pixels && !x.pixels.empty()) {
        auto pa = base64_decode(x.pixels), pb = base64_decode(y.pixels);
        double d = pa && pb ? pixel_difference(*pa, *pb) : -1;
        if (d >= 0 && d <= *opt.pixels) continue;
        if (d < 0) return what + ": the pictures differ in size, or one cannot be read";
        return what + ": pixels differ by " + std::to_string(d) + " (check: pixels allows " +
               std::to_string(*opt.pixels) + ")";
      }
      return what + ": content changed (sha256 " + short_digest(x.digest) + " -> " + short_digest(y.digest) + ")";
    }
    if (!same_text(x.text, y.text, opt)) return what + " changed";
  }
  return "";
}

Drift compare_step(const LockedStep& a, const LockedStep& b, const doc::Document& d) {
  Drift r{b.name, b.line, Verdict::Passed, "", "", b.seconds};
  const doc::Cell* cell = cell_named(d, b.name);
  doc::CheckOptions opt = cell ? cell->options.check : doc::CheckOptions{};
  if (!opt.enabled) {
    r.verdict = Verdict::Skipped;
    r.detail = "not compared (check: false)";
    return r;
  }
  if (b.status != "ok" && a.status == "ok") {
    r.verdict = Verdict::Failed;
    for (const auto& o : b.outputs)
      if (o.kind == "error") r.detail = o.text;
    if (b.status == "timed out") r.detail = "timed out";
    return r;
  }
  std::string why = compare_outputs(a, b, opt);
  if (why.empty()) return r;
  r.verdict = Verdict::Drifted;
  r.detail = why;
  r.diff = unified_diff(readable(a), readable(b), "locked/" + a.name, "now/" + b.name);
  return r;
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Passed: return "passed";
    case Verdict::Drifted: return "drifted";
    case Verdict::Failed: return "failed";
    case Verdict::Skipped: return "skipped";
  }
  return "?";
}

size_t DocumentCheck::count(Verdict v) const {
  size_t n = 0;
  for (const auto* list : {&environment, &steps})
    for (const auto& d : *list) n += d.verdict == v;
  return n;
}

bool same_text(const std::string& locked, const std::string& fresh, const doc::CheckOptions& opt) {
  if (locked == fresh) return true;
  std::string a = apply_ignore(locked, opt.ignore), b = apply_ignore(fresh, opt.ignore);
  if (a == b) return true;
  if (!opt.tolerance) return false;
  Numbers x = split_numbers(a), y = split_numbers(b);
  if (x.between != y.between) return false;
  for (size_t i = 0; i < x.values.size(); ++i)
    if (!close_enough(x.values[i], y.values[i], *opt.tolerance)) return false;
  return true;
}

double pixel_difference(std::string_view png_a, std::string_view png_b) {
  png_uint_32 wa = 0, ha = 0, wb = 0, hb = 0;
  std::vector<unsigned char> a = decode_png(png_a, wa, ha), b = decode_png(png_b, wb, hb);
  if (a.empty() || b.empty() || wa != wb || ha != hb) return -1;
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / (255.0 * static_cast<double>(a.size()));
}

std::string unified_diff(const std::string& a, const std::string& b, const std::string& label_a,
                         const std::string& label_b) {
  TempDir dir("waybill-diff-");
  write_file_atomic(dir.path() / "a", a);
  write_file_atomic(dir.path() / "b", b);
  ProcessResult p = run_process({"diff", "-u", "--label", label_a, "--label", label_b, (dir.path() / "a").string(),
                                 (dir.path() / "b").string()});
  return p.output;
}

DocumentCheck compare_with_lock(const Lock& locked, const Lock& fresh, const doc::Document& d) {
  DocumentCheck out;
  out.document = d.path;
  for (const auto& [name, img] : fresh.images) {
    std::string label = "image/" + (name.empty() ? std::string("default") : name);
    Drift r{label, 0, Verdict::Passed, short_digest(img.digest), "", 0};
    auto it = locked.images.find(name);
    if (it == locked.images.end()) {
      r.verdict = Verdict::Drifted;
      r.detail = "not in the lock (a new image)";
    } else if (it->second.digest != img.digest) {
      r.verdict = Verdict::Drifted;
      r.detail = "digest " + short_digest(it->second.digest) + " -> " + short_digest(img.digest);
      for (const auto& [ref, digest] : img.bases) {
        auto was = it->second.bases.find(ref);
        if (was != it->second.bases.end() && was->second != digest)
          r.detail += "; its base " + ref + " changed (" + short_digest(was->second) + " -> " + short_digest(digest) + ")";
      }
    }
    out.environment.push_back(std::move(r));
  }
  for (const auto& [name, img] : locked.images)
    if (!fresh.images.count(name))
      out.environment.push_back({"image/" + name, 0, Verdict::Drifted, "in the lock, but the document no longer has it", "", 0});
  for (const auto& [path, digest] : fresh.inputs) {
    auto it = locked.inputs.find(path);
    if (it == locked.inputs.end())
      out.environment.push_back({"input/" + path, 0, Verdict::Drifted, "a new input, not in the lock", "", 0});
    else if (it->second != digest)
      out.environment.push_back({"input/" + path, 0, Verdict::Drifted,
                                 "content changed (" + short_digest(it->second) + " -> " + short_digest(digest) + ")", "", 0});
    else
      out.environment.push_back({"input/" + path, 0, Verdict::Passed, short_digest(digest), "", 0});
  }
  for (const auto& [path, digest] : locked.inputs)
    if (!fresh.inputs.count(path))
      out.environment.push_back({"input/" + path, 0, Verdict::Drifted, "in the lock, but no longer declared or found", "", 0});
  for (const auto& s : fresh.steps) {
    auto it = std::find_if(locked.steps.begin(), locked.steps.end(), [&](const LockedStep& l) { return l.name == s.name; });
    if (it == locked.steps.end()) {
      out.steps.push_back({s.name, s.line, Verdict::Drifted, "not in the lock (a new cell, or a renamed one)", "", s.seconds});
      continue;
    }
    out.steps.push_back(compare_step(*it, s, d));
  }
  for (const auto& l : locked.steps) {
    bool present = std::any_of(fresh.steps.begin(), fresh.steps.end(), [&](const LockedStep& s) { return s.name == l.name; });
    if (!present)
      out.steps.push_back({l.name, l.line, Verdict::Drifted, "in the lock, but the document no longer runs it", "", 0});
  }
  return out;
}

std::string format_report(const DocumentCheck& c, bool color) {
  const char* colors[] = {"32", "33", "31", "2"};  // by Verdict: green, yellow, red, dim
  std::string out = c.document + ":\n";
  auto line = [&](const Drift& d) {
    std::string word = verdict_name(d.verdict);
    std::string pad(8 - word.size(), ' ');  // the names line up: "drifted " is the longest
    if (color) word = "\x1b[" + std::string(colors[static_cast<int>(d.verdict)]) + "m" + word + "\x1b[0m";
    out += "  " + word + pad + d.name;
    if (!d.detail.empty()) out += "  " + d.detail;
    bool bad = d.verdict == Verdict::Drifted || d.verdict == Verdict::Failed;
    if (bad && d.line > 0) out += "  (" + c.document + ":" + std::to_string(d.line) + ")";
    out += "\n";
    if (!d.diff.empty())
      for (auto l : split_lines(d.diff)) out += "      " + std::string(l) + "\n";
  };
  for (const auto& d : c.environment) line(d);
  for (const auto& d : c.steps) line(d);
  out += "  " + std::to_string(c.count(Verdict::Passed)) + " passed, " + std::to_string(c.count(Verdict::Drifted)) +
         " drifted, " + std::to_string(c.count(Verdict::Failed)) + " failed, " +
         std::to_string(c.count(Verdict::Skipped)) + " skipped\n";
  return out;
}

}  // namespace waybill::prov
