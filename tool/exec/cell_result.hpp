#pragma once
// What running a cell or an inline expression produced: its outputs in order, an error,
// its time. The same value comes from a driver, from the cell cache, and goes to the
// writers, so a cached result renders exactly like a fresh one.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace waybill::exec {

enum class OutputKind {
  Stream,  // name: stdout or stderr; text
  Result,  // the value of a final expression: data by media type (text/plain, text/html, ...)
  Figure,  // format: png or svg; data: base64
  File,    // a file the cell wrote to its output directory: name, data: base64
};

struct CellOutput {
  OutputKind kind = OutputKind::Stream;
  std::string name;
  std::string text;
  std::map<std::string, std::string> data;  // Result
  std::string format;                       // Figure
  std::string base64;                       // Figure, File
};

struct CellError {
  std::string ename, evalue, traceback;
  int line = 0;  // the document line it happened at; 0 when not known
};

struct CellResult {
  std::vector<CellOutput> outputs;
  std::optional<CellError> error;
  double seconds = 0;
  bool timed_out = false;
  // The box's limits that no cgroup enforced when the cell ran ("memory", "pids", "cpu"):
  // a rootless waybill without a delegated cgroup. Set by the executor, never by a box.
  std::vector<std::string> unenforced_limits;
  // Not stored: how this render got it.
  bool cached = false;
  std::string key;

  // Everything the cell wrote to stdout, concatenated (asis output, inline values).
  std::string stdout_text() const;
};

// The drivers' reply format (python_driver.py's header) to a result and back; the cache
// stores the same JSON. Throws Error(Cell) on a reply that is not of this shape.
CellResult result_from_json(const nlohmann::json& reply);
nlohmann::json result_to_json(const CellResult& result);

}  // namespace waybill::exec
