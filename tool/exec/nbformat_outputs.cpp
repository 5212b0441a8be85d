#include "exec/nbformat_outputs.hpp"

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

// A display's MIME bundle: images become figures, the rest one result by media type. An
// image's text/plain ("<Figure size 640x480 with 1 Axes>") is only its stand-in.
void add_bundle(CellResult& r, const json& data) {
  CellOutput result;
  result.kind = OutputKind::Result;
  bool image = false;
  for (const auto& [type, value] : data.items()) {
    if (type == "image/png" || type == "image/jpeg" || type == "image/gif") {
      std::string b64;
      for (char c : joined(value))
        if (c != '\n' && c != '\r') b64 += c;
      r.outputs.push_back(CellOutput{OutputKind::Figure, "", "", {}, type.substr(6), b64});
      image = true;
    } else if (type == "image/svg+xml") {
      r.outputs.push_back(CellOutput{OutputKind::Figure, "", "", {}, "svg", base64_encode(joined(value))});
      image = true;
    } else if (type == "application/json") {
      result.data[type] = value.dump(1);
    } else {
      result.data[type] = joined(value);
    }
  }
  if (image && result.data.size() == 1 && result.data.count("text/plain")) return;
  if (!result.data.empty()) r.outputs.push_back(std::move(result));
}

}  // namespace

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

CellResult result_from_nbformat(const json& outputs) {
  CellResult r;
  if (!outputs.is_array()) return r;
  for (const auto& o : outputs) {
    if (!o.is_object()) continue;
    auto text = [&](const char* key, const char* fallback) {
      auto it = o.find(key);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
    };
    std::string type = text("output_type", "");
    if (type == "stream") {
      std::string name = text("name", "stdout") == "stderr" ? "stderr" : "stdout";
      r.outputs.push_back(CellOutput{OutputKind::Stream, name, joined(o.contains("text") ? o["text"] : json()), {}, "", ""});
    } else if (type == "execute_result" || type == "display_data") {
      if (o.contains("data") && o["data"].is_object()) add_bundle(r, o["data"]);
    } else if (type == "error") {
      std::string traceback;
      if (o.contains("traceback") && o["traceback"].is_array())
        for (const auto& line : o["traceback"])
          if (line.is_string()) traceback += without_ansi(line.get<std::string>()) + "\n";
      r.error = CellError{text("ename", "Error"), text("evalue", ""), traceback, 0};
    }
  }
  return r;
}

}  // namespace waybill::exec
