#pragma once
// Finding what a COPY or ADD source names inside a source root (the build context, or
// another stage's or image's root): a path or a glob (`*`, `?`, `[...]` per component),
// cleaned, resolved inside the root so that neither `..` nor a symlink leaves it, with
// .dockerignore applied to the context. Shared by the cache key (which hashes what
// matched) and the copy (which copies it), so both always see the same files.
#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "build/dockerignore.hpp"
#include "util/fs.hpp"

namespace waybill::build {

struct SourceRoot {
  int fd = -1;                        // an O_PATH or O_RDONLY directory fd
  std::string what = "the build context";
  const IgnoreRules* ignore = nullptr;  // the context's; null for stages and images
};

// One matched source: `path` relative to the root, "" for the root itself.
struct SourceMatch {
  std::string path;
  struct stat st {};  // of what the path leads to (the final symlink followed, in-root)
};

// Throws Error(Document) for a source outside the root, or one that matches nothing.
std::vector<SourceMatch> match_sources(const SourceRoot& root, const std::string& pattern);

// Every entry under a matched directory, depth first, names in byte order, ignored
// entries left out; `visit(relative_path, stat)` with paths relative to the root.
// Symlinks are reported, not followed.
void walk_tree(const SourceRoot& root, const std::string& dir,
               const std::function<void(const std::string& path, const struct stat& st)>& visit);

bool has_glob(std::string_view pattern);

// The target of the symlink `rel` (relative to the root, not followed). Throws Error(Io).
std::string read_link(const SourceRoot& root, const std::string& rel);

}  // namespace waybill::build
