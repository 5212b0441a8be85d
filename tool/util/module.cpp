#include "util/module.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "util/install_paths.hpp"

namespace waybill {

namespace {

constexpr const char* kReinstall =
    "reinstall waybill, or set WAYBILL_MODULE_DIR to the folder of the modules built with this binary";

std::string module_named(const ModuleId& id) {
  return std::string("the ") + id.name + " module `" + (module_dir() / (std::string(id.name) + ".so")).string() + "`";
}

const void* open_module(const ModuleId& id) {
  std::string path = (module_dir() / (std::string(id.name) + ".so")).string();
  // Never unloaded: its tables and code stay valid for the process's life.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw Error(ErrorKind::Environment, "cannot load " + module_named(id) + ": " + (why ? why : "unknown error"), {},
                kReinstall);
  }
  using Entry = const void* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, id.entry));
  if (!entry) throw Error(ErrorKind::Environment, module_named(id) + " has no entry `" + id.entry + "`", {}, kReinstall);
  return entry();
}

}  // namespace

const void* load_module_table(const ModuleId& id) {
  static std::mutex mu;
  static std::map<std::string, const void*> tables;
  std::lock_guard<std::mutex> lock(mu);
  const void*& table = tables[id.name];
  if (!table) table = open_module(id);
  // Checked at every load, not only the first: two callers could expect two shapes.
  int abi = table ? *static_cast<const int*>(table) : -1;
  if (abi != id.abi)
    throw Error(ErrorKind::Environment,
                module_named(id) + " is from another build of waybill (its ABI is " + std::to_string(abi) +
                    ", this binary's " + std::to_string(id.abi) + ")",
                {}, kReinstall);
  return table;
}

}  // namespace waybill
