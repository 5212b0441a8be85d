#include "doc/includes.hpp"

#include <algorithm>

#include "doc/front_matter.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 8;

// The file a line `{{< include FILE >}}` names, or "" for any other line.
std::string include_target(std::string_view line) {
  std::string_view t = trim(line);
  if (!t.starts_with("{{<") || !t.ends_with(">}}")) return {};
  t = trim(t.substr(3, t.size() - 6));
  if (!t.starts_with("include ") && !t.starts_with("include\t")) return {};
  t = trim(t.substr(8));
  if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'') && t.back() == t.front()) t = t.substr(1, t.size() - 2);
  return std::string(t);
}

// A fence opener or closer: three or more backticks or tildes.
size_t fence_length(std::string_view line, char& ch) {
  std::string_view t = line.substr(std::min(line.find_first_not_of(' '), line.size()));
  if (t.empty() || (t[0] != '`' && t[0] != '~')) return 0;
  size_t n = t.find_first_not_of(t[0]);
  n = n == std::string_view::npos ? t.size() : n;
  if (n < 3) return 0;
  ch = t[0];
  return n;
}

class IncludeExpander {
 public:
  IncludeExpander(const std::string& path, const PathRoots& roots) : path_(path), roots_(roots) {}

  ExpandedText out;

  // `origin`: 0 for the document's own lines, else the document line every line of this
  // part stands at.
  void expand(const std::string& text, const fs::path& dir, int origin, std::vector<fs::path>& stack) {
    std::vector<std::string_view> lines = split_lines(text);
    size_t fence = 0;
    char fence_char = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      int line = origin ? origin : static_cast<int>(i) + 1;
      char ch = 0;
      size_t n = fence_length(lines[i], ch);
      if (fence && n >= fence && ch == fence_char && trim(lines[i]).size() == n) fence = 0;
      else if (!fence && n) fence = n, fence_char = ch;
      std::string target = fence ? std::string() : include_target(lines[i]);
      if (target.empty()) {
        out.text.append(lines[i]);
        out.text += '\n';
        out.origins.push_back(LineOrigin{line, origin ? 1 : 1});
        continue;
      }
      include(target, dir, line, stack);
    }
  }

 private:
  void include(const std::string& target, const fs::path& dir, int line, std::vector<fs::path>& stack) {
    SourceLoc at{path_, line, 0};
    if (stack.size() > kMaxDepth)
      throw Error(ErrorKind::Document, "includes nest deeper than " + std::to_string(kMaxDepth) + " files", at,
                  "include the parts from the document itself");
    std::string text = read_project_file(roots_, dir, target, "the included file", at);
    fs::path file = (fs::path(target).is_absolute() ? roots_.project / fs::path(target).relative_path() : dir / target);
    fs::path key = fs::weakly_canonical(file);
    if (std::find(stack.begin(), stack.end(), key) != stack.end())
      throw Error(ErrorKind::Document, "`" + target + "` includes itself", at, "remove the include that closes the circle");
    out.parts.push_back(target);
    FrontMatterSplit fm = split_front_matter(text);
    if (fm.present) {
      size_t skip = 0;
      for (int n = 0; n < fm.lines && skip != std::string::npos; ++n) skip = text.find('\n', skip) + 1;
      text = skip == 0 || skip > text.size() ? std::string() : text.substr(skip);
    }
    stack.push_back(key);
    expand(text, file.parent_path(), line, stack);
    stack.pop_back();
  }

  const std::string& path_;
  const PathRoots& roots_;
};

}  // namespace

ExpandedText expand_includes(const std::string& text, const std::string& path, const fs::path& dir,
                             const PathRoots& roots) {
  IncludeExpander x(path, roots);
  std::vector<fs::path> stack{fs::weakly_canonical(dir / fs::path(path).filename())};
  x.expand(text, dir, 0, stack);
  return std::move(x.out);
}

}  // namespace waybill::doc
