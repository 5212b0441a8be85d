#pragma once
// Quarto's include shortcode: a line `{{< include _part.md >}}` stands for the text of
// that file, read before anything else, as Quarto does. The path is relative to the file
// that names it (absolute: to the project folder) and must lie beneath the project or a
// folder the command line allowed (util/project_paths.hpp): documents come from
// strangers. Included files may include others (a file that includes itself, directly or
// not, is an error). An included file's own front matter is left out. Shortcodes inside
// fenced code blocks are code, and stay as written.
//
// Positions in included text are the include line's: an error in a part is reported at
// the line of the document that brought it in, naming the part.
#include <filesystem>
#include <string>
#include <vector>

#include "doc/position_map.hpp"
#include "util/project_paths.hpp"

namespace waybill::doc {

struct ExpandedText {
  std::string text;
  std::vector<LineOrigin> origins;  // per line of `text`
  std::vector<std::string> parts;   // the files read, as written, in order
};

// `text` is the document `path` (in folder `dir`). Returns text with no include lines
// expanded when it has none (parts empty). Throws Error(Document) at the include line.
ExpandedText expand_includes(const std::string& text, const std::string& path, const std::filesystem::path& dir,
                             const PathRoots& roots);

}  // namespace waybill::doc
