#include "exec/cell_result.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::exec {

namespace {

std::string string_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

CellOutput output_from_json(const nlohmann::json& o) {
  CellOutput out;
  std::string type = string_at(o, "type");
  if (type == "stream") {
    out.kind = OutputKind::Stream;
    out.name = string_at(o, "name");
    out.text = string_at(o, "text");
  } else if (type == "result") {
    out.kind = OutputKind::Result;
    auto data = o.find("data");
    if (data != o.end() && data->is_object())
      for (const auto& [mime, value] : data->items())
      if (value.is_string()) out.data[mime] = value.get<std::string>();
  } else if (type == "figure") {
    out.kind = OutputKind::Figure;
    out.format = string_at(o, "format");
    out.base64 = string_at(o, "data");
  } else if (type == "file") {
    out.kind = OutputKind::File;
    out.name = string_at(o, "name");
    out.base64 = string_at(o, "data");
  } else {
    throw Error(ErrorKind::Cell, "a cell output of unknown type `" + printable(type, 40) + "`");
  }
  return out;
}

}  // namespace

std::string CellResult::stdout_text() const {
  std::string s;
  for (const auto& o : outputs)
    if (o.kind == OutputKind::Stream && o.name == "stdout") s += o.text;
  return s;
}

CellResult result_from_json(const nlohmann::json& reply) {
  try {
    CellResult r;
    if (auto it = reply.find("outputs"); it != reply.end())
      for (const auto& o : *it) r.outputs.push_back(output_from_json(o));
    if (auto it = reply.find("error"); it != reply.end() && it->is_object()) {
      CellError e;
      e.ename = string_at(*it, "ename");
      e.evalue = string_at(*it, "evalue");
      e.traceback = string_at(*it, "traceback");
      if (auto line = it->find("line"); line != it->end() && line->is_number_integer()) e.line = line->get<int>();
      r.error = std::move(e);
    }
    if (auto it = reply.find("seconds"); it != reply.end() && it->is_number()) r.seconds = it->get<double>();
    r.timed_out = reply.value("timed_out", false);
    if (auto it = reply.find("unenforced_limits"); it != reply.end() && it->is_array())
      for (const auto& l : *it)
        if (l.is_string() && (l == "memory" || l == "pids" || l == "cpu")) r.unenforced_limits.push_back(l.get<std::string>());
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::Cell, std::string("a cell result waybill cannot read: ") + e.what());
  }
}

nlohmann::json result_to_json(const CellResult& r) {
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& o : r.outputs) {
    switch (o.kind) {
      case OutputKind::Stream: outputs.push_back({{"type", "stream"}, {"name", o.name}, {"text", o.text}}); break;
      case OutputKind::Result: outputs.push_back({{"type", "result"}, {"data", o.data}}); break;
      case OutputKind::Figure: outputs.push_back({{"type", "figure"}, {"format", o.format}, {"data", o.base64}}); break;
      case OutputKind::File: outputs.push_back({{"type", "file"}, {"name", o.name}, {"data", o.base64}}); break;
    }
  }
  nlohmann::json error;
  if (r.error)
    error = {{"ename", r.error->ename}, {"evalue", r.error->evalue}, {"traceback", r.error->traceback},
             {"line", r.error->line}};
  nlohmann::json out = {{"outputs", outputs}, {"error", error}, {"seconds", r.seconds}, {"timed_out", r.timed_out}};
  if (!r.unenforced_limits.empty()) out["unenforced_limits"] = r.unenforced_limits;
  return out;
}

}  // namespace waybill::exec
