#include "exec/stored_outputs.hpp"

#include "exec/output_checks.hpp"
#include "util/base64.hpp"

namespace waybill::exec {

namespace {

using nlohmann::json;

// nbformat's multiline strings: one string, or a list of them.
std::string joined(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  if (v.is_array())
    for (const auto& part : v)
      if (part.is_string()) out += part.get<std::string>();
  return out;
}

// Terminal colours in a traceback (IPython writes them) are not text.
std::string without_ansi(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

// A display's MIME bundle: images become figures, the rest one result by media type.
void add_bundle(CellResult& r, const json& data) {
  CellOutput result;
  result.kind = OutputKind::Result;
  for (const auto& [type, value] : data.items()) {
    if (type == "image/png" || type == "image/jpeg" || type == "image/gif") {
      std::string b64;
      for (char c : joined(value))
        if (c != '\n' && c != '\r') b64 += c;
      r.outputs.push_back(CellOutput{OutputKind::Figure, "", "", {}, type.substr(6), b64});
    } else if (type == "image/svg+xml") {
      r.outputs.push_back(CellOutput{OutputKind::Figure, "", "", {}, "svg", base64_encode(joined(value))});
    } else if (type == "application/json") {
      result.data[type] = value.dump(1);
    } else {
      result.data[type] = joined(value);
    }
  }
  if (!result.data.empty()) r.outputs.push_back(std::move(result));
}

CellResult result_of(const doc::Cell& cell, const json& outputs) {
  CellResult r;
  for (const auto& o : outputs) {
    if (!o.is_object()) continue;
    std::string type = o.value("output_type", "");
    if (type == "stream") {
      r.outputs.push_back(CellOutput{OutputKind::Stream, o.value("name", "stdout"), joined(o.value("text", json())), {}, "", ""});
    } else if (type == "execute_result" || type == "display_data") {
      if (o.contains("data") && o["data"].is_object()) add_bundle(r, o["data"]);
    } else if (type == "error") {
      std::string traceback;
      if (o.contains("traceback") && o["traceback"].is_array())
        for (const auto& line : o["traceback"])
          if (line.is_string()) traceback += without_ansi(line.get<std::string>()) + "\n";
      r.error = CellError{o.value("ename", "Error"), o.value("evalue", ""), traceback, 0};
    }
  }
  int lines = 1;
  for (char c : cell.code) lines += c == '\n';
  check_reply_result(r, OutputLimits{}, LineRange{cell.code_line, cell.code_line + lines});
  return r;
}

}  // namespace

std::optional<Results> stored_results(const doc::Document& document) {
  Results results;
  results.cells.resize(document.cells.size());
  results.cell_images.resize(document.cells.size());
  bool any = false;
  for (size_t i = 0; i < document.cells.size(); ++i) {
    const doc::Cell& cell = document.cells[i];
    if (cell.stored_outputs.empty()) continue;
    json outputs = json::parse(cell.stored_outputs, nullptr, false);
    if (!outputs.is_array()) continue;
    results.cells[i] = result_of(cell, outputs);
    ++results.stats.cells_cached;  // shown, not run
    any = true;
  }
  if (!any) return std::nullopt;
  return results;
}

}  // namespace waybill::exec
