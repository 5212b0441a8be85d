#include "build/source_match.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

Error outside(const SourceRoot& root, const std::string& pattern) {
  return Error(ErrorKind::Document, "the source `" + pattern + "` lies outside " + root.what, {},
               "sources are paths inside " + root.what + "; `..` and symlinks cannot lead out of it");
}

std::string join_rel(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// In-root stat of `rel` (symlinks followed inside the root). nullopt when missing.
std::optional<struct stat> stat_in_root(const SourceRoot& root, const std::string& rel, const std::string& pattern) {
  auto r = open_in_root(root.fd, rel.empty() ? "." : rel, O_PATH);
  if (r.error == BeneathError::Missing) return std::nullopt;
  if (r.error == BeneathError::Escapes) throw outside(root, pattern);
  if (r.error != BeneathError::None)
    throw Error::from_errno("open", rel + " in " + root.what, r.err, ErrorKind::Io);
  struct stat st {};
  if (::fstat(r.fd.get(), &st) != 0) throw Error::from_errno("stat", rel, errno, ErrorKind::Io);
  return st;
}

std::vector<std::string> list_dir(const SourceRoot& root, const std::string& rel) {
  auto r = open_in_root(root.fd, rel.empty() ? "." : rel, O_RDONLY | O_DIRECTORY);
  if (r.error != BeneathError::None) return {};
  DIR* d = ::fdopendir(r.fd.release());
  if (!d) return {};
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool ignored(const SourceRoot& root, const std::string& rel) { return root.ignore && root.ignore->ignored(rel); }

}  // namespace

std::string read_link(const SourceRoot& root, const std::string& rel) {
  auto slash = rel.rfind('/');
  auto dir = open_in_root(root.fd, slash == std::string::npos ? "." : rel.substr(0, slash), O_PATH | O_DIRECTORY);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  char target[PATH_MAX];
  ssize_t n = dir.error == BeneathError::None ? ::readlinkat(dir.fd.get(), name.c_str(), target, sizeof target) : -1;
  if (n < 0) throw Error::from_errno("read the symlink", rel + " in " + root.what, errno, ErrorKind::Io);
  return std::string(target, static_cast<size_t>(n));
}

bool has_glob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

std::vector<SourceMatch> match_sources(const SourceRoot& root, const std::string& pattern) {
  std::string cleaned = clean_path(pattern);
  while (!cleaned.empty() && cleaned[0] == '/') cleaned.erase(0, 1);  // "/x" is the root's x
  if (cleaned == ".") cleaned.clear();
  if (cleaned == ".." || cleaned.rfind("../", 0) == 0) throw outside(root, pattern);

  std::vector<std::string> candidates{""};
  if (!cleaned.empty()) {
    for (auto part : split(cleaned, '/')) {
      std::vector<std::string> next;
      for (const auto& base : candidates) {
        if (!has_glob(part)) {
          next.push_back(join_rel(base, std::string(part)));
          continue;
        }
        for (const auto& name : list_dir(root, base))
          if (match_component(part, name)) next.push_back(join_rel(base, name));
      }
      candidates = std::move(next);
    }
  }
  std::vector<SourceMatch> out;
  for (const auto& rel : candidates) {
    if (!rel.empty() && ignored(root, rel)) continue;
    auto st = stat_in_root(root, rel, pattern);
    if (!st) continue;
    out.push_back({rel, *st});
  }
  if (out.empty()) {
    bool is_ignored = !cleaned.empty() && ignored(root, cleaned);
    throw Error(ErrorKind::Document, "no file matches `" + pattern + "` in " + root.what, {},
                is_ignored ? "it is excluded by .dockerignore" : "check the path; sources are relative to " + root.what);
  }
  return out;
}

void walk_tree(const SourceRoot& root, const std::string& dir,
               const std::function<void(const std::string& path, const struct stat& st)>& visit) {
  for (const auto& name : list_dir(root, dir)) {
    std::string rel = join_rel(dir, name);
    bool skip = ignored(root, rel);
    struct stat st {};
    auto parent = open_in_root(root.fd, dir.empty() ? "." : dir, O_PATH | O_DIRECTORY);
    if (parent.error != BeneathError::None || ::fstatat(parent.fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      continue;
    if (!skip) visit(rel, st);
    // An ignored directory is still walked when a `!` pattern may re-include something.
    if (S_ISDIR(st.st_mode) && (!skip || (root.ignore && root.ignore->has_exceptions()))) walk_tree(root, rel, visit);
  }
}

}  // namespace waybill::build
