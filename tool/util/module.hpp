#pragma once
// Heavy libraries stay off the start-up path (ARCHITECTURE.md, "Module seams"): code
// that needs them is built as a module, a shared object under module_dir(), loaded with
// dlopen the first time a verb asks for it. A module exports one C function returning
// its table, a plain C struct whose first member is the ABI number it was built with
// (util/module_abi.h); nothing of C++ crosses it, not even an exception.
//
// Every load goes through load_module(), which checks that number: a module left from
// another build is an error that says so, never a call through a table of another shape.
#include <cstddef>
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
  static_assert(std::is_standard_layout_v<Table> && std::is_trivial_v<Table> && offsetof(Table, abi) == 0,
                "a module table is a C struct that starts with its `int abi`");
  return *static_cast<const Table*>(load_module_table(id));
}

}  // namespace waybill
