#include "site/page_key.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "oci/store.hpp"
#include "plan/cache_key.hpp"
#include "util/build_info.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::site {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool reads_context(const std::string& dockerfile) {
  for (const char* word : {"COPY", "ADD", "copy", "add", "Copy", "Add"})
    if (dockerfile.find(std::string(word) + " ") != std::string::npos) return true;
  return false;
}

std::string file_digest(const fs::path& file) {
  auto text = read_file_if_exists(file);
  return text ? plan::sha256_hex(*text) : std::string("missing");
}

void local_images(const std::vector<doc::Inline>& v, std::vector<std::string>& out) {
  for (const auto& in : v) {
    if (in.kind == doc::InlineKind::Image && in.target.find("://") == std::string::npos &&
        !in.target.starts_with("data:"))
      out.push_back(in.target);
    local_images(in.children, out);
  }
}

void local_images(const std::vector<doc::Block>& v, std::vector<std::string>& out) {
  for (const auto& b : v) {
    local_images(b.inlines, out);
    local_images(b.caption, out);
    local_images(b.children, out);
  }
}

}  // namespace

std::string StoreDigests::operator()(const std::string& name) {
  if (auto it = seen_.find(name); it != seen_.end()) return it->second;
  if (!opened_) {
    opened_ = true;
    try {
      store_.emplace(oci::Store::open());
    } catch (const Error&) {
    }
  }
  std::string digest;
  try {
    if (store_)
      if (auto entry = store_->find(name)) digest = entry->manifest.digest.str();
  } catch (const Error&) {
  }
  return seen_[name] = digest;
}

std::string tree_digest(const fs::path& dir, const fs::path& skip) {
  json entries = json::array();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (name.starts_with('.') || (!skip.empty() && fs::equivalent(p, skip, ec))) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    entries.push_back({p.lexically_relative(dir).generic_string(), st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec});
  }
  return plan::sha256_hex(entries.dump());
}

std::string page_key(const KeyContext& c, const PageScan& page, const LinkReport& links) {
  StoreDigests& store = c.store;
  const Project& project = c.project;
  fs::path page_dir = project.page_file(page.entry).parent_path();
  json k;
  k["waybill"] = build_info::version;
  k["config"] = plan::sha256_hex(project.config_text);
  k["nav"] = c.nav_digest;
  k["options"] = c.options;
  k["source"] = plan::sha256_hex(page.doc.source);
  k["refs"] = links.refs;
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) k["epoch"] = epoch;
  json images = json::object();
  for (const auto& session : page.plan.sessions) {
    if (images.contains(session.image)) continue;
    if (const plan::ImagePlan* block = page.plan.image_block(session.image)) {
      json i = {{"dockerfile", plan::sha256_hex(block->dockerfile)}};
      fs::path context = page_dir;
      for (const auto& pi : project.images)
        if (!block->prebuilt_tag.empty() && pi.plan.name == block->name) context = pi.context;
      if (reads_context(block->dockerfile)) i["context"] = tree_digest(context, project.output);
      images[session.image] = i;
    } else {
      images[session.image] = store(session.image);
    }
  }
  k["images"] = images;
  json data = json::object();
  for (const auto& m : page.plan.manifest.mounts)
    if (!m.image.empty()) data[m.image] = store(m.image);
  k["data"] = data;
  CollectingReporter quiet;  // the render reports a glob that matches nothing
  k["inputs"] = plan::hash_inputs(page.plan.manifest, page_dir, quiet).digest;
  json files = json::object();
  for (const auto& bib : page.doc.meta.bibliography) files[bib] = file_digest(page_dir / bib);
  std::vector<std::string> pictures;
  local_images(page.doc.blocks, pictures);
  for (const auto& p : pictures) files[p] = file_digest(page_dir / p);
  k["files"] = files;
  return plan::sha256_hex(k.dump());
}

}  // namespace waybill::site
