#pragma once
// Heavy libraries stay off the start-up path (DESIGN.md, "Start-up cost"): code that
// needs them is built as a module, a shared object under module_dir(), loaded with
// dlopen the first time a verb asks for it. A module exports one C function returning
// a table of entry points; no exception crosses that boundary.
#include <string>

namespace waybill {

// Loads `<module_dir>/<name>.so` (once per process) and returns the address of
// `symbol` in it. Throws Error(Environment) naming the file when that fails.
void* load_module_symbol(const std::string& name, const char* symbol);

template <class Table>
const Table& load_module_table(const std::string& name, const char* symbol) {
  using Entry = const Table* (*)();
  auto entry = reinterpret_cast<Entry>(load_module_symbol(name, symbol));
  return *entry();
}

}  // namespace waybill
