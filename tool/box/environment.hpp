#pragma once
// A process environment as a list of "KEY=value" strings, the form BoxSpec and image
// configs keep it in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::box {

std::optional<std::string> env_get(const std::vector<std::string>& env, std::string_view key);

// Replaces KEY's entry, or appends one. `kv` is "KEY=value".
void env_set(std::vector<std::string>& env, const std::string& kv);

}  // namespace waybill::box
