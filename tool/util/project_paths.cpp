#include "util/project_paths.hpp"

#include <fcntl.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill {

namespace fs = std::filesystem;

namespace {

fs::path normal(const fs::path& p) {
  std::error_code ec;
  fs::path n = fs::absolute(p, ec).lexically_normal();
  std::string s = n.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// `path` relative to `root` when it lies beneath it lexically; "" otherwise.
std::string relative_beneath(const fs::path& path, const fs::path& root) {
  fs::path rel = path.lexically_relative(root);
  if (rel.empty()) return "";
  for (const auto& part : rel)
    if (part == "..") return "";
  return rel.string();
}

}  // namespace

PathRoots PathRoots::of(const fs::path& project, const std::vector<fs::path>& allowed, bool anywhere) {
  PathRoots r;
  r.project = normal(project.empty() ? fs::path(".") : project);
  for (const auto& a : allowed) r.allowed.push_back(normal(a));
  r.anywhere = anywhere;
  return r;
}

UniqueFd open_project_path(const PathRoots& roots, const fs::path& base, const std::string& written, int flags,
                           const std::string& what, const SourceLoc& loc) {
  fs::path wanted = normal(fs::path(written).is_absolute() ? fs::path(written) : base / written);
  auto missing = [&](int err) {
    Error e = Error::from_errno("open " + what, written, err, ErrorKind::Io);
    return e.with_loc_if_unknown(loc);
  };
  if (roots.anywhere) {
    UniqueFd fd(::open(wanted.c_str(), flags | O_CLOEXEC));
    if (!fd) throw missing(errno);
    return fd;
  }
  std::vector<fs::path> all{roots.project};
  all.insert(all.end(), roots.allowed.begin(), roots.allowed.end());
  bool escaped = false;
  for (const auto& root : all) {
    std::string rel = relative_beneath(wanted, root);
    if (rel.empty() || rel == ".") continue;
    BeneathResult r = open_beneath(root, rel, flags);
    if (r.fd) return std::move(r.fd);
    if (r.error == BeneathError::Escapes) {
      escaped = true;  // a link leads out of this root; another root may still hold it
      continue;
    }
    throw missing(r.err ? r.err : ENOENT);
  }
  if (escaped) {
    // A link from one root into another (a project's `shared -> /srv/templates`, with
    // --allow-path /srv/templates): where it leads is opened beneath that root, so a
    // link swapped meanwhile still cannot lead anywhere else.
    std::error_code ec, root_ec;
    fs::path real = fs::canonical(wanted, ec);
    for (const auto& root : all) {
      fs::path real_root = fs::canonical(root, root_ec);
      std::string rel = ec || root_ec ? "" : relative_beneath(real, real_root);
      if (rel.empty() || rel == ".") continue;
      if (BeneathResult r = open_beneath(root, rel, flags); r.fd) return std::move(r.fd);
    }
  }
  throw Error(ErrorKind::Document,
              what + " `" + printable(written) + "` lies outside the project folder " + roots.project.string() +
                  (escaped ? " (through a symbolic link)" : ""),
              loc,
              "documents may read only their own project's files; allow a folder with --allow-path DIR, "
              "or run with --trust for a document you trust");
}

std::string read_project_file(const PathRoots& roots, const fs::path& base, const std::string& written,
                              const std::string& what, const SourceLoc& loc) {
  UniqueFd fd = open_project_path(roots, base, written, O_RDONLY, what, loc);
  return read_fd(fd.get(), written);
}

bool lies_beneath(const PathRoots& roots, const fs::path& path) {
  if (roots.anywhere) return true;
  fs::path p = normal(path);
  if (!relative_beneath(p, roots.project).empty()) return true;
  for (const auto& a : roots.allowed)
    if (!relative_beneath(p, a).empty()) return true;
  return false;
}

}  // namespace waybill
