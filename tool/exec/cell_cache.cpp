#include "exec/cell_cache.hpp"

#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::exec {

std::filesystem::path CellCache::path_of(const std::string& key) const {
  return dir_ / key.substr(0, 2) / (key + ".json");
}

std::optional<CellResult> CellCache::find(const std::string& key) const {
  std::optional<std::string> text = read_file_if_exists(path_of(key));
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  try {
    CellResult r = result_from_json(j);
    r.cached = true;
    r.key = key;
    return r;
  } catch (const Error&) {
    return std::nullopt;
  }
}

void CellCache::put(const std::string& key, const CellResult& result) const {
  std::filesystem::path p = path_of(key);
  make_dirs(p.parent_path());
  write_file_atomic(p, result_to_json(result).dump());
}

}  // namespace waybill::exec
