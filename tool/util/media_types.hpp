#pragma once
// The media types waybill writes and serves, in one table: by a file's extension, for
// data: URIs in self-contained pages (render/outputs.cpp) and for the preview server
// (modules/serve_module.cpp). Text types carry their charset.
#include <algorithm>
#include <array>
#include <string_view>

namespace waybill {

struct MediaType {
  std::string_view extension;  // lower case, without the dot
  std::string_view type;
};

inline constexpr std::array<MediaType, 15> kMediaTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"csv", "text/csv; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/plain; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"woff2", "font/woff2"},
    {"pdf", "application/pdf"},
}};

// The type of a file named `name` ("fig.PNG" -> image/png), else application/octet-stream.
inline std::string_view media_type_of(std::string_view name) {
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string_view ext = name.substr(dot + 1);
  auto lower_equal = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y;
           });
  };
  for (const auto& m : kMediaTypes)
    if (lower_equal(ext, m.extension)) return m.type;
  return "application/octet-stream";
}

}  // namespace waybill
