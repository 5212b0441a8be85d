#pragma once
// Heavy libraries stay off the start-up path (ARCHITECTURE.md, "Module seams"): code
// that needs them is built as a module, a shared object under module_dir(), loaded with
// dlopen the first time a verb asks for it. A module exports one C function returning
// its table of entry points, whose first member is the ABI number it was built with;
// no exception crosses that boundary (entries return std::optional<Error>).
//
// Every load goes through load_module(), which checks that number: a module left from
// another build is an error that says so, never a call through a table of another shape.
#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>

#include "util/error.hpp"

namespace waybill {

struct ModuleId {
  const char* name;   // "engine": the file <module_dir>/engine.so
  const char* entry;  // the exported C function returning the table
  int abi;            // the table's shape in this binary; bumped on every change to it
};

// Loads the module (once per process) and returns its table. Throws Error(Environment)
// naming the file when it is missing, has no entry, or was built with another ABI.
const void* load_module_table(const ModuleId& id);

template <class Table>
const Table& load_module(const ModuleId& id) {
  static_assert(std::is_standard_layout_v<Table> && offsetof(Table, abi) == 0,
                "a module table starts with its `int abi`");
  return *static_cast<const Table*>(load_module_table(id));
}

// What a module entry returned, thrown as the error it is.
inline void throw_if_error(const std::optional<Error>& error) {
  if (error) throw *error;
}

}  // namespace waybill
