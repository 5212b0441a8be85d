#include "exec/kernel_outputs.hpp"

#include <regex>

#include "exec/nbformat_outputs.hpp"

namespace waybill::exec {

namespace {

using nlohmann::json;

std::string display_id_of(const json& content) {
  auto transient = content.find("transient");
  if (transient == content.end() || !transient->is_object()) return "";
  auto id = transient->find("display_id");
  return id != transient->end() && id->is_string() ? id->get<std::string>() : std::string();
}

std::string text_of(const json& content, const char* key, const char* fallback) {
  auto it = content.find(key);
  return it != content.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

json bundle_of(const json& content) {
  auto data = content.find("data");
  return data != content.end() && data->is_object() ? *data : json::object();
}

}  // namespace

void KernelOutputLog::append(json output) {
  if (clear_pending_) {
    outputs_ = json::array();
    displays_.clear();
    clear_pending_ = false;
  }
  outputs_.push_back(std::move(output));
}

void KernelOutputLog::add(const KernelMessage& m) {
  const std::string type = m.type();
  const json& c = m.content;
  if (type == "stream") {
    std::string name = text_of(c, "name", "stdout") == "stderr" ? "stderr" : "stdout";
    std::string text = text_of(c, "text", "");
    if (!clear_pending_ && !outputs_.empty() && outputs_.back().value("output_type", "") == "stream" &&
        outputs_.back().value("name", "") == name) {
      outputs_.back()["text"] = outputs_.back()["text"].get<std::string>() + text;
      return;
    }
    append({{"output_type", "stream"}, {"name", name}, {"text", text}});
  } else if (type == "display_data" || type == "execute_result") {
    append({{"output_type", type}, {"data", bundle_of(c)}});
    if (std::string id = display_id_of(c); !id.empty()) displays_[id] = outputs_.size() - 1;
  } else if (type == "update_display_data") {
    auto it = displays_.find(display_id_of(c));
    if (it != displays_.end()) outputs_[it->second]["data"] = bundle_of(c);
  } else if (type == "clear_output") {
    if (c.value("wait", false)) {
      clear_pending_ = true;
    } else {
      outputs_ = json::array();
      displays_.clear();
    }
  } else if (type == "error") {
    json traceback = c.contains("traceback") && c["traceback"].is_array() ? c["traceback"] : json::array();
    append({{"output_type", "error"},
            {"ename", text_of(c, "ename", "Error")},
            {"evalue", text_of(c, "evalue", "")},
            {"traceback", traceback}});
  }
}

int KernelOutputLog::traceback_line(const json& error_output) {
  static const std::regex cell_line(R"(Cell In ?\[\d+\], line (\d+))");
  int line = 0;
  auto tb = error_output.find("traceback");
  if (tb == error_output.end() || !tb->is_array()) return 0;
  for (const auto& entry : *tb) {
    if (!entry.is_string()) continue;
    std::string text = without_ansi(entry.get<std::string>());
    std::smatch m;
    // The last such line is where the error was raised in the cell itself.
    for (auto it = text.cbegin(); std::regex_search(it, text.cend(), m, cell_line); it = m[0].second)
      if (m[1].length() < 7) line = std::stoi(m[1].str());
  }
  return line;
}

}  // namespace waybill::exec
