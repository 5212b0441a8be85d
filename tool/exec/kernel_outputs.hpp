#pragma once
// What a Jupyter kernel publishes while it runs one request, kept as a notebook front end
// keeps it: streams of the same name run together, update_display_data replaces the
// display with its display_id, clear_output clears (with wait, at the next output),
// and an error is the cell's error. The result is nbformat outputs, read by
// exec/nbformat_outputs.hpp as stored notebook outputs are.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "exec/jupyter_wire.hpp"

namespace waybill::exec {

class KernelOutputLog {
 public:
  // One iopub message answering the request; others (status, execute_input) are ignored.
  void add(const KernelMessage& message);

  // An output in nbformat's shape, made by the caller.
  void add_output(nlohmann::json output) { append(std::move(output)); }

  const nlohmann::json& outputs() const { return outputs_; }
  // The `line` of the cell where IPython's traceback says the error happened ("Cell
  // In[3], line 2"), counted from the cell's first line; 0 when it does not say.
  static int traceback_line(const nlohmann::json& error_output);

 private:
  void append(nlohmann::json output);

  nlohmann::json outputs_ = nlohmann::json::array();
  std::map<std::string, size_t> displays_;  // display_id → index in outputs_
  bool clear_pending_ = false;
};

}  // namespace waybill::exec
