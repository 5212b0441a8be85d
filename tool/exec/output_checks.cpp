#include "exec/output_checks.hpp"

#include <array>
#include <optional>

#include "util/base64.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

constexpr std::array<std::string_view, 7> kFigureFormats = {"png", "svg", "jpeg", "jpg", "pdf", "gif", "webp"};
// The media types the writers read (render/writer.cpp); others are dropped unread.
constexpr std::array<std::string_view, 5> kResultTypes = {"text/plain", "text/html", "text/markdown", "text/latex",
                                                          "application/json"};
// A traceback past this is cut: its end is what says where the cell failed.
constexpr size_t kMaxTraceback = 64u << 10;
constexpr size_t kMaxErrorField = 4u << 10;

template <size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view v) {
  for (auto item : list)
    if (item == v) return true;
  return false;
}

std::string too_large(const std::string& what, uint64_t size, uint64_t limit, const char* key) {
  return what + " is " + format_binary_size(size) + ", over limits." + key + " (" + format_binary_size(limit) + ")";
}

// The size of an output's content, or why it cannot be kept.
struct Checked {
  uint64_t size = 0;
  std::string refused;
};

Checked check_base64(const std::string& data64, const std::string& what, const OutputLimits& limits) {
  // Decoded, a base64 text is three quarters of its length; refuse before decoding it.
  if (data64.size() / 4 * 3 > limits.output + 3) return {0, too_large(what, data64.size() / 4 * 3, limits.output, "output")};
  std::optional<std::string> bytes = base64_decode(data64);
  if (!bytes) return {0, what + " is not valid base64"};
  if (bytes->size() > limits.output) return {0, too_large(what, bytes->size(), limits.output, "output")};
  return {bytes->size(), ""};
}

Checked check_output(CellOutput& o, const OutputLimits& limits) {
  switch (o.kind) {
    case OutputKind::Stream: {
      if (o.name != "stdout" && o.name != "stderr") return {0, "a stream named `" + printable(o.name, 40) + "`"};
      if (o.text.size() > limits.output) return {0, too_large("its " + o.name, o.text.size(), limits.output, "output")};
      o.text = to_valid_utf8(o.text);
      return {o.text.size(), ""};
    }
    case OutputKind::Result: {
      uint64_t size = 0;
      for (auto it = o.data.begin(); it != o.data.end();) {
        if (!listed(kResultTypes, it->first)) {
          it = o.data.erase(it);
          continue;
        }
        if (it->second.size() > limits.output)
          return {0, too_large("its " + it->first + " value", it->second.size(), limits.output, "output")};
        it->second = to_valid_utf8(it->second);
        size += it->second.size();
        ++it;
      }
      return {size, ""};
    }
    case OutputKind::Figure:
      if (!is_known_figure_format(o.format))
        return {0, "a figure of format `" + printable(o.format, 40) + "`; formats are png, svg, jpeg, pdf, gif and webp"};
      return check_base64(o.base64, "a " + o.format + " figure", limits);
    case OutputKind::File: {
      std::string why = unsafe_name_reason(o.name, 16);
      if (!why.empty()) return {0, "a file named `" + printable(o.name) + "`: " + why};
      return check_base64(o.base64, "the file " + o.name, limits);
    }
  }
  return {0, "an output of no known kind"};
}

void clean_error(CellError& e, LineRange lines) {
  e.ename = to_valid_utf8(e.ename.substr(0, kMaxErrorField));
  e.evalue = to_valid_utf8(e.evalue.substr(0, kMaxErrorField));
  if (e.traceback.size() > kMaxTraceback) e.traceback = "...\n" + e.traceback.substr(e.traceback.size() - kMaxTraceback);
  e.traceback = to_valid_utf8(e.traceback);
  // A line outside the cell is a claim the host cannot check: the cell's fence is used.
  if (e.line < lines.first || e.line > lines.last) e.line = 0;
}

uint64_t content_size(const CellOutput& o) {
  switch (o.kind) {
    case OutputKind::Stream: return o.text.size();
    case OutputKind::Result: {
      uint64_t n = 0;
      for (const auto& [mime, value] : o.data) n += value.size();
      return n;
    }
    case OutputKind::Figure:
    case OutputKind::File: return o.base64.size() / 4 * 3;
  }
  return 0;
}

}  // namespace

OutputLimits OutputLimits::from(const plan::LimitSettings& l) {
  OutputLimits o;
  if (l.output_bytes) o.output = *l.output_bytes;
  if (l.cell_output_bytes) o.cell = *l.cell_output_bytes;
  if (l.document_output_bytes) o.document = *l.document_output_bytes;
  return o;
}

bool is_known_figure_format(std::string_view format) { return listed(kFigureFormats, format); }

void refuse_output(CellResult& r, const std::string& why) {
  if (!r.error) {
    r.error = CellError{"refused output", why, "", 0};
    return;
  }
  if (r.error->ename == "refused output") return;  // the first refusal says enough
  std::string& tb = r.error->traceback;
  if (tb.empty()) tb = r.error->ename + ": " + r.error->evalue;
  tb += "\nrefused output: " + why;
}

void check_reply_result(CellResult& r, const OutputLimits& limits, LineRange lines) {
  std::vector<CellOutput> kept;
  for (auto& o : r.outputs) {
    if (o.kind == OutputKind::File) {
      refuse_output(r, "its driver sent a file (`" + printable(o.name) + "`); files come only from the output directory");
      continue;
    }
    Checked c = check_output(o, limits);
    if (!c.refused.empty()) {
      refuse_output(r, c.refused);
      continue;
    }
    kept.push_back(std::move(o));
  }
  r.outputs = std::move(kept);
  if (r.error) clean_error(*r.error, lines);
  if (!(r.seconds >= 0 && r.seconds < 1e9)) r.seconds = 0;  // NaN too
}

uint64_t output_size(const CellResult& r) {
  uint64_t total = 0;
  for (const auto& o : r.outputs) total += content_size(o);
  return total;
}

void check_result_totals(CellResult& r, const OutputLimits& limits, uint64_t& document_used) {
  uint64_t total = output_size(r);
  std::string why;
  if (total > limits.cell) why = too_large("all it put out", total, limits.cell, "cell-output");
  else if (document_used + total > limits.document)
    why = too_large("all the document's cells put out", document_used + total, limits.document, "document-output");
  if (why.empty()) {
    document_used += total;
    return;
  }
  // Streams say what happened before the limit; figures, values and files go.
  std::vector<CellOutput> kept;
  uint64_t streams = 0;
  for (auto& o : r.outputs) {
    if (o.kind != OutputKind::Stream) continue;
    std::string& text = o.text;
    if (text.size() > 4096) text = to_valid_utf8(text.substr(0, 4096)) + "\n[... cut]";
    streams += text.size();
    kept.push_back(std::move(o));
  }
  r.outputs = std::move(kept);
  document_used += streams;
  refuse_output(r, why);
}

}  // namespace waybill::exec
