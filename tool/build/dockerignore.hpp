#pragma once
// .dockerignore, with Docker's rules: one pattern per line, `#` comments, `!` to
// re-include; patterns are cleaned paths relative to the context (a leading / is
// dropped) matched with `*`, `?`, `[...]` within one component and `**` across any
// number of them; a path matches when it or a parent directory does; the last matching
// pattern decides.
#include <string>
#include <string_view>
#include <vector>

namespace waybill::build {

class IgnoreRules {
 public:
  IgnoreRules() = default;
  explicit IgnoreRules(std::string_view file_text);

  // `path` relative to the context, '/'-separated, without "./".
  bool ignored(std::string_view path) const;
  // Whether some `!` pattern could re-include something under an ignored directory, so
  // that the directory must still be walked.
  bool has_exceptions() const { return has_exceptions_; }
  bool empty() const { return patterns_.empty(); }

 private:
  struct Pattern {
    std::vector<std::string> parts;  // split on '/'
    bool exclusion = false;           // `!pattern`
  };
  std::vector<Pattern> patterns_;
  bool has_exceptions_ = false;
};

// Go's filepath.Match for one path component (no '/'): `*`, `?`, `[a-z]`, `[^a]`, `\x`.
bool match_component(std::string_view pattern, std::string_view name);

// Cleans a relative path the way Go's filepath.Clean does ("a/./b/../c/" -> "a/c");
// a path that climbs above its start keeps its leading "..".
std::string clean_path(std::string_view path);

}  // namespace waybill::build
