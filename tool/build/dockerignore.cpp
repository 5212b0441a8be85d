#include "build/dockerignore.hpp"

#include <fnmatch.h>

#include "util/strings.hpp"

namespace waybill::build {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  for (auto p : split(path, '/'))
    if (!p.empty()) parts.emplace_back(p);
  return parts;
}

// Pattern components against path components, `**` matching zero or more of them.
// Matching a prefix of the path is enough: a pattern that matches a directory matches
// everything under it.
bool match_parts(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path, size_t si) {
  if (pi == pat.size()) return si <= path.size() && si > 0;
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k)
      if (match_parts(pat, pi + 1, path, k)) return true;
    return pi + 1 == pat.size();
  }
  if (si == path.size()) return false;
  return match_component(pat[pi], path[si]) && match_parts(pat, pi + 1, path, si + 1);
}

}  // namespace

bool match_component(std::string_view pattern, std::string_view name) {
  std::string p(pattern), n(name);
  // Go's negated class is [^...]; glibc's fnmatch reads both ^ and !.
  return ::fnmatch(p.c_str(), n.c_str(), 0) == 0;
}

std::string clean_path(std::string_view path) {
  std::vector<std::string> out;
  bool absolute = !path.empty() && path[0] == '/';
  for (auto part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty() && out.back() != "..") out.pop_back();
      else if (!absolute) out.emplace_back("..");
      continue;
    }
    out.emplace_back(part);
  }
  std::string joined = join(out, "/");
  if (absolute) return "/" + joined;
  return joined.empty() ? "." : joined;
}

IgnoreRules::IgnoreRules(std::string_view file_text) {
  for (auto raw : split_lines(file_text)) {
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    Pattern p;
    if (line[0] == '!') {
      p.exclusion = true;
      line = trim(line.substr(1));
      has_exceptions_ = true;
    }
    std::string cleaned = clean_path(line);
    while (!cleaned.empty() && cleaned[0] == '/') cleaned.erase(0, 1);
    if (cleaned.empty() || cleaned == ".") continue;
    p.parts = split_path(cleaned);
    patterns_.push_back(std::move(p));
  }
}

bool IgnoreRules::ignored(std::string_view path) const {
  auto parts = split_path(path);
  bool result = false;
  for (const auto& p : patterns_)
    if (match_parts(p.parts, 0, parts, 0)) result = !p.exclusion;
  return result;
}

}  // namespace waybill::build
