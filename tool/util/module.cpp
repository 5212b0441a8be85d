#include "util/module.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "util/install_paths.hpp"

namespace waybill {

namespace {

constexpr const char* kReinstall =
    "reinstall waybill, or set WAYBILL_MODULE_DIR to the folder of the modules built with this binary";

}  // namespace

const void* load_module_table(const ModuleId& id) {
  static std::mutex mu;
  static std::map<std::string, const void*> tables;
  std::lock_guard<std::mutex> lock(mu);
  const void*& table = tables[id.name];
  if (table) return table;
  std::string path = (module_dir() / (std::string(id.name) + ".so")).string();
  std::string what = std::string("the ") + id.name + " module `" + path + "`";
  // Never unloaded: its tables and code stay valid for the process's life.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw Error(ErrorKind::Environment, "cannot load " + what + ": " + (why ? why : "unknown error"), {}, kReinstall);
  }
  using Entry = const void* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, id.entry));
  if (!entry) throw Error(ErrorKind::Environment, what + " has no entry `" + id.entry + "`", {}, kReinstall);
  const void* found = entry();
  int abi = found ? *static_cast<const int*>(found) : -1;
  if (abi != id.abi)
    throw Error(ErrorKind::Environment,
                what + " is from another build of waybill (its ABI is " + std::to_string(abi) + ", this binary's " +
                    std::to_string(id.abi) + ")",
                {}, kReinstall);
  table = found;
  return table;
}

}  // namespace waybill
