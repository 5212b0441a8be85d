#include "site/project.hpp"

#include <fcntl.h>

#include <algorithm>
#include <chrono>

#include "doc/reader.hpp"
#include "doc/schema_reader.hpp"
#include "doc/yaml_meta.hpp"
#include "exec/images.hpp"
#include "plan/manifest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::site {

namespace fs = std::filesystem;
using doc::MetaValue;

namespace {

// waybill.yml's schema (doc/schema_reader.hpp), and its pages resolved in the project.
class ConfigReader : public doc::SchemaReader {
 public:
  ConfigReader(const Project& p, const PathRoots& roots) : SchemaReader(p.config.string()), root_(p.root), roots_(roots) {}

  const PathRoots& roots() const { return roots_; }

  // A page path as listed: relative to the root, inside it, a document that exists.
  PageEntry page(const MetaValue& v, const std::string& section) const {
    std::string path = text(v, "a page");
    fs::path rel = fs::path(path).lexically_normal();
    if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
      fail(v, "the page `" + path + "` lies outside the project folder", "list pages relative to " + root_.string());
    if (!is_document_path(rel)) fail(v, "`" + path + "` is not a document", std::string("pages are ") + doc::kDocumentExtensions + " files");
    std::error_code ec;
    if (!fs::is_regular_file(root_ / rel, ec))
      fail(v, "no such page: " + path, "check the path; pages are relative to " + root_.string());
    open_project_path(roots_, root_, rel.string(), O_RDONLY, "the page", at(v));  // a link out of the project
    return PageEntry{rel.generic_string(), section, at(v)};
  }

 private:
  fs::path root_;
  const PathRoots& roots_;
};

void read_pages(const ConfigReader& r, const MetaValue& v, Project& p) {
  if (!v.is_list()) r.fail(v, "`pages` must be a list", "write pages: [index.md, {section: Basics, pages: [a.md]}]");
  for (const auto& item : v.list) {
    if (item.is_scalar()) {
      p.pages.push_back(r.page(item, ""));
      continue;
    }
    r.mapping(item, "a section", {"section", "pages"});
    const MetaValue* name = item.get("section");
    const MetaValue* pages = item.get("pages");
    if (!name || !pages) r.fail(item, "a section needs a title and its pages", "write {section: Basics, pages: [a.md]}");
    std::string title = r.text(*name, "section");
    if (!pages->is_list() || pages->list.empty())
      r.fail(*pages, "a section's pages must be a list of documents", "write pages: [a.md, b.md]");
    for (const auto& page : pages->list) p.pages.push_back(r.page(page, title));
  }
  for (size_t i = 0; i < p.pages.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (p.pages[i].path == p.pages[j].path)
        throw Error(ErrorKind::Document, "the page `" + p.pages[i].path + "` is listed twice", p.pages[i].loc,
                    "it is listed first at " + p.pages[j].loc.str() + "; a page has one place in the site");
}

// No `pages:`: every document under the root, in path order with index first, leaving
// out the output, hidden folders and folders that start with `_`.
void find_pages(Project& p, const PathRoots& roots) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(p.root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name.starts_with('.') || name.starts_with('_') || fs::equivalent(it->path(), p.output, ec)) it.disable_recursion_pending();
      continue;
    }
    if (!is_document_path(it->path()) || name.starts_with('.')) continue;
    std::string rel = it->path().lexically_relative(p.root).generic_string();
    // A page that is a link to /etc/passwd is not a page of this project.
    open_project_path(roots, p.root, rel, O_RDONLY, "the page", SourceLoc{(p.root / rel).string(), 0, 0});
    found.push_back(rel);
  }
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    bool ai = fs::path(a).stem() == "index" && a.find('/') == std::string::npos;
    bool bi = fs::path(b).stem() == "index" && b.find('/') == std::string::npos;
    return ai != bi ? ai : a < b;
  });
  for (auto& f : found) p.pages.push_back(PageEntry{std::move(f), "", {}});
}

// `slurm:` {partition, account, qos, cpus, memory, time, sbatch}: the defaults of
// `waybill site --on slurm` for this project.
void read_slurm(const ConfigReader& r, const MetaValue& v, Project& p) {
  r.mapping(v, "slurm", {"partition", "account", "qos", "cpus", "memory", "time", "sbatch"});
  batch::BatchRequest& b = p.slurm;
  if (const MetaValue* x = v.get("partition")) b.partition = r.text(*x, "slurm.partition");
  if (const MetaValue* x = v.get("account")) b.account = r.text(*x, "slurm.account");
  if (const MetaValue* x = v.get("qos")) b.qos = r.text(*x, "slurm.qos");
  if (const MetaValue* x = v.get("sbatch")) b.sbatch = r.texts(*x, "slurm.sbatch");
  if (const MetaValue* x = v.get("cpus")) {
    std::string t = r.text(*x, "slurm.cpus");
    if (t.empty() || t.size() > 4 || t.find_first_not_of("0123456789") != std::string::npos || std::stoul(t) == 0)
      r.fail(*x, "slurm.cpus must be a whole number of CPUs", "write cpus: 2");
    b.cpus = static_cast<unsigned>(std::stoul(t));
  }
  if (const MetaValue* x = v.get("memory")) {
    auto bytes = parse_byte_size(r.text(*x, "slurm.memory"));
    if (!bytes || *bytes == 0) r.fail(*x, "slurm.memory must be a size", "write memory: 4g");
    b.memory_bytes = *bytes;
  }
  if (const MetaValue* x = v.get("time")) {
    auto d = parse_duration(r.text(*x, "slurm.time"));
    if (!d || d->count() < 1000) r.fail(*x, "slurm.time must be a duration", "write time: 2h");
    b.time_seconds = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  }
}

void read_images(const ConfigReader& r, const MetaValue& v, Project& p) {
  if (!v.is_map()) r.fail(v, "`images` must be a mapping of names to Dockerfiles", "write images: {env: {file: Dockerfile}}");
  std::string site_name = fs::absolute(p.root).lexically_normal().filename().string();
  if (site_name.empty()) site_name = "site";
  for (const auto& [name, value] : v.map) {
    ProjectImage image;
    image.plan.name = name;
    image.plan.loc = r.at(value);
    image.plan.prebuilt_tag = exec::image_tag((p.root / (site_name + ".site")).string(), name);
    if (value.is_scalar()) {
      // A block scalar (`|`): its text starts on the line after the key.
      image.plan.dockerfile = value.scalar;
      image.plan.first_line = value.pos.line + (value.scalar.find('\n') != std::string::npos ? 1 : 0);
      image.context = p.root;
    } else {
      r.mapping(value, "images." + name, {"file"});
      const MetaValue* file = value.get("file");
      if (!file) r.fail(value, "images." + name + " needs a Dockerfile", "write " + name + ": {file: env/Dockerfile}");
      std::string written = r.text(*file, "images." + name + ".file");
      fs::path path = p.root / written;
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) r.fail(*file, "no such Dockerfile: " + file->scalar, "paths are relative to the project folder");
      image.plan.dockerfile = read_project_file(r.roots(), p.root, written, "images." + name + ".file", r.at(*file));
      image.plan.first_line = 1;
      image.plan.loc = SourceLoc{path.string(), 1, 1};
      image.context = path.parent_path();
    }
    if (trim(image.plan.dockerfile).empty()) r.fail(value, "images." + name + " is empty", "give a Dockerfile: FROM ...");
    p.images.push_back(std::move(image));
  }
}

void read_data(const ConfigReader& r, const MetaValue& v, Project& p) {
  if (!v.is_map()) r.fail(v, "`data` must be a mapping of image names to folders", "write data: {course-data: data}");
  for (const auto& [name, value] : v.map) {
    std::string dir = r.text(value, "data." + name);
    fs::path rel = fs::path(dir).lexically_normal();
    std::error_code ec;
    if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
      r.fail(value, "the data folder `" + dir + "` lies outside the project folder", "give a folder inside " + p.root.string());
    if (!fs::is_directory(p.root / rel, ec))
      r.fail(value, "no such folder: " + dir, "data folders are relative to the project folder");
    // Packed and published: a link out of the project (data -> /etc) must not be followed.
    open_project_path(r.roots(), p.root, rel.string(), O_PATH | O_DIRECTORY, "the data folder", r.at(value));
    p.data.push_back(ProjectData{name, p.root / rel, r.at(value)});
  }
}

void read_defaults(const ConfigReader& r, const MetaValue& v, Project& p, Reporter& rep) {
  r.mapping(v, "defaults", {"front-matter", "execute", "manifest"});
  if (const MetaValue* fm = v.get("front-matter")) {
    if (!fm->is_map()) r.fail(*fm, "defaults.front-matter must be a mapping", "write front-matter: {toc: true}");
    p.front_matter = *fm;
  }
  if (const MetaValue* ex = v.get("execute")) {
    if (!ex->is_map()) r.fail(*ex, "defaults.execute must be a mapping of cell options", "write execute: {echo: false}");
    if (!p.front_matter.is_map()) p.front_matter = MetaValue(MetaValue::Kind::Map, ex->pos);
    if (MetaValue* own = p.front_matter.get("execute")) *own = *ex;
    else p.front_matter.map.emplace_back("execute", *ex);
  }
  // Checked now, as the front matter of a one-cell document named after waybill.yml, so
  // that a wrong key or cell option is reported there, once.
  if (p.front_matter.is_map()) doc::parse_document(p.config.string(), "```{bash}\n```\n", rep, &p.front_matter);
  if (const MetaValue* m = v.get("manifest")) p.manifest = plan::read_manifest(*m, p.config.string());
}

}  // namespace

plan::PlanDefaults Project::plan_defaults() const {
  plan::PlanDefaults d;
  d.manifest = manifest;
  for (const auto& i : images) d.images.push_back(i.plan);
  return d;
}

// The output folder lies beneath the project, and so does the folder it really is
// when it exists already (a link `_site -> /etc` in the project).
void check_output_beneath(const Project& p, const PathRoots& roots, const SourceLoc& loc) {
  std::error_code ec;
  fs::path real = fs::exists(fs::symlink_status(p.output, ec)) ? fs::weakly_canonical(p.output, ec) : p.output;
  PathRoots real_roots = PathRoots::of(fs::weakly_canonical(roots.project, ec), {}, false);
  for (const auto& a : roots.allowed) real_roots.allowed.push_back(fs::weakly_canonical(a, ec));
  if (lies_beneath(roots, p.output) && lies_beneath(real_roots, real)) return;
  throw Error(ErrorKind::Document, "the output folder " + p.output.string() + " lies outside the project folder", loc,
              "write the site beneath " + p.root.string() + ", or give -o DIR on the command line");
}

Project load_project(const fs::path& dir, const std::string& output, const PathRoots& roots, Reporter& rep) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorKind::Usage, "no such folder: " + dir.string(), {}, "give the folder that holds waybill.yml");
  Project p;
  p.root = dir;
  p.config = dir / "waybill.yml";
  p.title = fs::absolute(dir).lexically_normal().filename().string();
  MetaValue v;
  if (auto text = read_file_if_exists(p.config)) {
    p.config_text = *text;
    v = doc::parse_yaml(*text, doc::YamlOrigin{p.config.string(), "waybill.yml", 1, 0});
  }
  ConfigReader r(p, roots);
  if (!v.is_null()) r.mapping(v, "waybill.yml", {"title", "output", "pages", "defaults", "images", "data", "slurm"});
  std::string out = "_site";
  if (const MetaValue* t = v.get("title")) p.title = r.text(*t, "title");
  if (const MetaValue* o = v.get("output")) out = r.text(*o, "output");
  if (!output.empty()) out = output;
  // lexically_normal keeps a trailing separator ("dir/."): drop it, for the comparisons.
  auto normal = [](const fs::path& path) {
    std::string s = fs::absolute(path).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return fs::path(s);
  };
  p.output = normal(fs::path(out).is_absolute() ? fs::path(out) : dir / out);
  if (normal(dir) == p.output)
    throw Error(ErrorKind::Usage, "the output folder is the project folder itself", v.get("output") ? r.at(*v.get("output")) : SourceLoc{},
                "write the site to a folder of its own, e.g. output: _site");
  // waybill.yml may only write beneath its project: `output: /etc/cron.d` would have the
  // site's files written there, as root. The command line's -o is the user's own.
  if (output.empty() && !roots.anywhere) check_output_beneath(p, roots, v.get("output") ? r.at(*v.get("output")) : SourceLoc{});
  if (const MetaValue* d = v.get("defaults")) read_defaults(r, *d, p, rep);
  if (const MetaValue* i = v.get("images")) read_images(r, *i, p);
  if (const MetaValue* d = v.get("data")) read_data(r, *d, p);
  if (const MetaValue* s = v.get("slurm")) read_slurm(r, *s, p);
  if (const MetaValue* pages = v.get("pages")) read_pages(r, *pages, p);
  else find_pages(p, roots);
  if (p.pages.empty())
    throw Error(ErrorKind::Document, "the site has no pages", SourceLoc{p.config.string(), 0, 0},
                std::string("add documents (") + doc::kDocumentExtensions + ") to " + dir.string() + ", or list them under pages: in waybill.yml");
  return p;
}

}  // namespace waybill::site
