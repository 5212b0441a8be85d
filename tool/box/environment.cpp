#include "box/environment.hpp"

namespace waybill::box {

namespace {

bool has_key(const std::string& kv, std::string_view key) {
  return kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=';
}

}  // namespace

std::optional<std::string> env_get(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& kv : env)
    if (has_key(kv, key)) return kv.substr(key.size() + 1);
  return std::nullopt;
}

void env_set(std::vector<std::string>& env, const std::string& kv) {
  std::string_view key = std::string_view(kv).substr(0, kv.find('='));
  for (auto& e : env)
    if (has_key(e, key)) {
      e = kv;
      return;
    }
  env.push_back(kv);
}

}  // namespace waybill::box
