#include "util/install_paths.hpp"

#include <cstdlib>

#include "util/fs.hpp"

namespace waybill {

namespace {
fs::path prefix_dir() { return executable_path().parent_path().parent_path(); }

fs::path from_env_or(const char* var, const fs::path& fallback) {
  const char* v = std::getenv(var);
  return (v && *v) ? fs::path(v) : fallback;
}
}  // namespace

fs::path data_dir() { return from_env_or("WAYBILL_DATA_DIR", prefix_dir() / "share" / "waybill"); }
fs::path module_dir() { return from_env_or("WAYBILL_MODULE_DIR", prefix_dir() / "lib" / "waybill"); }
fs::path templates_dir() { return data_dir() / "templates"; }

}  // namespace waybill
