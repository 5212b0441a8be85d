#pragma once
// Which driver runs a language's cells, and how a box starts it. Python, R and bash
// keep one interpreter per session, so state persists from cell to cell; any other
// language (node, ruby, julia, ...) runs each cell as a fresh process with the code on
// its standard input. The drivers' files are mounted read-only at /waybill/driver.
#include <string>
#include <vector>

#include "doc/model.hpp"

namespace waybill::exec {

enum class DriverKind {
  Python,   // drivers/python_driver.py: framed JSON both ways
  R,        // drivers/r_driver.R: field frames in, JSON out
  Shell,    // drivers/shell_driver.sh: raw frames both ways
  Process,  // no driver: one process per cell, code on stdin
  Jupyter,  // a kernelspec of the image, through the Jupyter protocol (exec/kernel_session.hpp)
};

struct Driver {
  DriverKind kind = DriverKind::Process;
  std::string file;               // the driver's file name under kDriverDir; "" for Process
  const std::string* source = nullptr;
  std::vector<std::string> argv;  // the box's command line
  std::vector<std::string> env;   // "K=V" the driver needs
  std::string kernel;             // Jupyter: the kernelspec's name
  std::string digest;             // of the source and the command: part of every cache key
};

inline constexpr const char* kDriverDir = "/waybill/driver";
inline constexpr const char* kOutputDir = "/waybill/out";

// `command` is the manifest's interpreter command (empty: the language's default);
// `kernel`, its Jupyter kernel (empty: waybill's own driver).
// Throws Error(Document) for a language with no driver and no command.
Driver driver_for(const std::string& language, const std::vector<std::string>& command, const std::string& kernel = "");

// The drivers' sources, compiled in from drivers/.
const std::string& python_driver_source();
const std::string& shell_driver_source();
const std::string& r_driver_source();

}  // namespace waybill::exec
