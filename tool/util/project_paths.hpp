#pragma once
// What a document or waybill.yml may name on the host: paths beneath its project folder
// (the document's folder, or the site's), or beneath a folder the command line allowed
// (--allow-path). Symlinks count: a link inside the project that leads out of it is
// refused, as `..` is (openat2 RESOLVE_BENEATH). Documents may come from strangers, and
// `template: /etc/shadow` or a page that links to /proc/self/environ must not publish
// the host. The person running waybill can lift the rule (--trust).
#include <filesystem>
#include <string>
#include <vector>

#include "util/fs.hpp"
#include "util/source_loc.hpp"

namespace waybill {

struct PathRoots {
  std::filesystem::path project;             // absolute
  std::vector<std::filesystem::path> allowed; // --allow-path, absolute
  bool anywhere = false;                       // --trust

  // The roots made absolute and normal; `project` relative to the working directory.
  static PathRoots of(const std::filesystem::path& project, const std::vector<std::filesystem::path>& allowed,
                      bool anywhere);
};

// Opens `written` (a path as the document wrote it: relative to `base`, a folder in the
// project, or absolute) beneath one of the roots. Throws Error(Document) at `loc` for a
// path that leads out of them ("`x` lies outside the project folder"), with the flag
// that would allow it, and Error(Io) for one that does not exist. `what` names the path
// in messages ("the template", "the bibliography").
UniqueFd open_project_path(const PathRoots& roots, const std::filesystem::path& base, const std::string& written,
                           int flags, const std::string& what, const SourceLoc& loc = {});

// Reads a whole file through open_project_path.
std::string read_project_file(const PathRoots& roots, const std::filesystem::path& base, const std::string& written,
                              const std::string& what, const SourceLoc& loc = {});

// Whether `path` lies (lexically, once made absolute and normal) beneath one of the
// roots: for folders waybill will create and write, such as a site's output.
bool lies_beneath(const PathRoots& roots, const std::filesystem::path& path);

}  // namespace waybill
