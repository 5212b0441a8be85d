#pragma once
// Sizes and durations as people write them on command lines and in manifests.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace waybill {

// "512m", "2g", "1.5G", "64k", "1048576" (bytes), "512MiB": binary units, as Docker
// reads them. nullopt when malformed.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// "512 B", "3.4 kB", "12.3 MB", "1.20 GB": decimal units, as image lists show sizes.
std::string format_bytes(int64_t bytes);

// "8 MiB", "1.5 GiB", "300 bytes": binary units, as limits are written (limits.memory: 8m).
std::string format_binary_size(uint64_t bytes);

// "30s", "1.5m", "500ms", "2h", or a plain number of seconds. nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace waybill
