#include "util/module.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "util/error.hpp"
#include "util/install_paths.hpp"

namespace waybill {

void* load_module_symbol(const std::string& name, const char* symbol) {
  static std::mutex mu;
  static std::map<std::string, void*> handles;
  std::lock_guard<std::mutex> lock(mu);
  void*& handle = handles[name];
  std::string path = (module_dir() / (name + ".so")).string();
  if (!handle) {
    handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      throw Error(ErrorKind::Environment, "cannot load module `" + path + "`: " + (why ? why : "unknown error"),
                  {}, "reinstall waybill, or set WAYBILL_MODULE_DIR to the directory holding its modules");
    }
  }
  void* sym = ::dlsym(handle, symbol);
  if (!sym) {
    throw Error(ErrorKind::Environment, std::string("module `") + path + "` has no entry `" + symbol + "`",
                {}, "the module does not match this waybill binary; reinstall waybill");
  }
  return sym;
}

}  // namespace waybill
