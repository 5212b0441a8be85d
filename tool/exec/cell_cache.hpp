#pragma once
// Cell results by cache key (plan/cache_key.hpp), one JSON file per key under the
// store's cache/cells/. Entries are written to a temporary name and renamed, so a killed
// render leaves whole entries or none; an entry that does not parse is a miss.
#include <filesystem>
#include <optional>
#include <string>

#include "exec/cell_result.hpp"

namespace waybill::exec {

class CellCache {
 public:
  explicit CellCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::optional<CellResult> find(const std::string& key) const;
  void put(const std::string& key, const CellResult& result) const;

 private:
  std::filesystem::path path_of(const std::string& key) const;
  std::filesystem::path dir_;
};

}  // namespace waybill::exec
