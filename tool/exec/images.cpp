#include "exec/images.hpp"

#include <algorithm>

#include "oci/module_api.hpp"
#include "plan/cache_key.hpp"
#include "oci/reference.hpp"
#include "oci/store.hpp"
#include "oci/sha256.hpp"
#include "util/error.hpp"
#include "util/module.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::exec {

namespace {

// A reference path component: lower-case letters, digits and single separators.
std::string component(std::string_view text) {
  std::string out;
  for (char c : to_lower(text)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "doc" : out;
}

}  // namespace

std::vector<BaseRecipe> base_recipes(const plan::Manifest& manifest, const std::filesystem::path& doc_dir) {
  std::vector<BaseRecipe> out;
  for (const auto& b : manifest.bases) {
    out.emplace_back();
    BaseRecipe& r = out.back();
    r.reference = b.reference;
    if (!b.bootstrap.has_value()) {
      r.archive = (doc_dir / b.archive).string();
      continue;
    }
    r.bootstrap = b.bootstrap.value();
  }
  return out;
}

DocumentImage build_image(const plan::ImagePlan& block, const std::vector<BaseRecipe>& bases, const std::string& tag,
                          const ImageSettings& s, Reporter& rep) {
  BuildRequest req;
  req.context = s.doc_dir.empty() ? "." : s.doc_dir.string();
  req.dockerfile_text = block.dockerfile;
  req.dockerfile_name = s.doc_path;
  req.first_line = block.first_line;
  DocumentImage image;
  image.name = block.name;
  image.tag = tag;
  image.from_block = true;
  req.tags = {image.tag};
  req.policy = s.build;
  req.bases = bases;
  BuildResponse resp = engine_module::build(req, rep);
  image.digest = resp.digest;
  image.steps = resp.steps;
  image.cached_steps = resp.cached;
  for (const auto& b : resp.bases) {
    BaseOrigin o{b.reference, b.digest, b.origin, b.labels, {}, {}};
    if (b.origin == "archive") {
      for (const auto& recipe : req.bases)
        if (oci::ImageRef::parse(recipe.reference).full() == oci::ImageRef::parse(b.reference).full()) {
          o.archive = recipe.archive;
          o.archive_digest = oci::sha256_of_file(recipe.archive).str();
        }
    }
    image.bases.push_back(std::move(o));
  }
  return image;
}

std::string image_tag(const std::string& doc_path, const std::string& block_name) {
  // Two documents of one name in different folders are different documents (one may be
  // a stranger's): the folder is in the tag, as a short hash, so that neither takes the
  // other's name.
  std::error_code ec;
  std::string folder = std::filesystem::absolute(doc_path, ec).lexically_normal().parent_path().string();
  return component(std::filesystem::path(doc_path).stem().string()) + "-" + plan::sha256_hex(folder).substr(0, 8) +
         "/" + component(block_name.empty() ? "default" : block_name);
}

namespace {

// The store's entry for `name`, pulled from its registry when the store lacks it
// (`pulled` says so); the error of a pull that failed is in `failed`.
std::optional<oci::IndexEntry> find_or_pull(const oci::Store& store, const std::string& name, Reporter& rep,
                                            std::optional<Error>& failed, bool& pulled) {
  pulled = false;
  if (auto entry = store.find(name)) return entry;
  pulled = true;
  ImageRequest pull;
  pull.verb = ImageRequest::Verb::Pull;
  pull.args = {name};
  failed = oci::ImageRef::try_parse(name) ? capture_error([&] { engine_module::image(pull, rep); })
                                          : Error(ErrorKind::Usage, "not a reference");
  return failed ? std::nullopt : store.find(name);
}

std::map<std::string, std::string> source_annotations(const oci::IndexEntry& entry) {
  std::map<std::string, std::string> source;
  for (const auto& [k, v] : entry.manifest.annotations)
    if (k.starts_with("org.waybill.source")) source[k] = v;
  return source;
}

}  // namespace

std::vector<DataImage> prepare_data_images(const plan::Manifest& manifest, Reporter& rep) {
  std::vector<DataImage> out;
  std::optional<oci::Store> store;
  for (const auto& m : manifest.mounts) {
    if (m.image.empty()) continue;
    if (!store) store = oci::Store::open();
    std::optional<Error> failed;
    bool pulled = false;
    auto entry = find_or_pull(*store, m.image, rep, failed, pulled);
    if (!entry)
      throw Error(ErrorKind::Document,
                  "mounts: the data image `" + m.image + "` is not in the store" +
                      (failed ? ", and pulling it failed: " + failed->message() : std::string()),
                  m.loc, "make it with `waybill image pack-data DIR " + m.image + "`, or pull it first");
    out.push_back(DataImage{m.image, entry->manifest.digest.str(), m.target, pulled ? "registry" : "store",
                            source_annotations(*entry)});
  }
  return out;
}

std::map<std::string, DocumentImage> prepare_images(const plan::Plan& plan, const ImageSettings& s, Reporter& rep) {
  std::map<std::string, DocumentImage> images;
  for (const auto& block : plan.images) {
    if (!block.prebuilt_tag.empty()) {
      // A site's image: built before the pages ran; recorded only where a cell used it.
      bool used = std::any_of(plan.sessions.begin(), plan.sessions.end(),
                              [&](const plan::SessionPlan& p) { return p.image == block.name; });
      auto it = s.prepared ? s.prepared->find(block.name) : decltype(s.prepared->end()){};
      if (used && (!s.prepared || it == s.prepared->end()))
        throw Error(ErrorKind::Internal, "the site's image `" + block.name + "` was not built before its pages", block.loc);
      if (used) images[block.name] = it->second;
      continue;
    }
    std::string tag = image_tag(s.doc_path, block.name);
    std::string shown = block.name.empty() ? std::string("default") : block.name;
    rep.status("image " + shown + ": building " + tag);
    if (!oci::Store::open().find(tag))
      // A new user's first render spends minutes here: say so before it starts.
      rep.status("image " + shown + " has not been built before: a first build obtains its base and runs every "
                 "step, which can take minutes; later renders reuse the image and each step from the store");
    images[block.name] = build_image(block, base_recipes(plan.manifest, s.doc_dir), tag, s, rep);
  }
  std::optional<oci::Store> store;
  for (const auto& session : plan.sessions) {
    if (images.count(session.image)) continue;
    if (!store) store = oci::Store::open();
    // Not built here and not in the store: its registry may have it.
    std::optional<Error> failed;
    bool pulled = false;
    auto entry = find_or_pull(*store, session.image, rep, failed, pulled);
    std::string origin = pulled ? "registry" : "store";
    if (!entry) {
      const plan::SessionStep& first = session.steps.front();
      throw Error(ErrorKind::Document,
                  "the image `" + session.image + "` is neither a Dockerfile block of this document nor in the store" +
                      (failed ? ", and pulling it failed: " + failed->message() : std::string()),
                  SourceLoc{s.doc_path, first.pos.line, first.pos.col},
                  "declare it in a ```dockerfile {#" + session.image + "} block, or put it in the store first");
    }
    DocumentImage image;
    image.name = session.image;
    image.digest = entry->manifest.digest.str();
    // A pulled image names its source in the record, as a pulled FROM base does.
    std::map<std::string, std::string> source = source_annotations(*entry);
    if (!source.empty()) image.bases.push_back(BaseOrigin{session.image, image.digest, origin, source, {}, {}});
    images[session.image] = std::move(image);
  }
  return images;
}

}  // namespace waybill::exec
