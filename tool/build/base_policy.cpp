#include "build/base_policy.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "build/builder.hpp"
#include "oci/compression.hpp"
#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "oci/registry_ops.hpp"
#include "oci/store.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/units.hpp"

namespace waybill::build {

using namespace oci;

namespace {

// SOURCE_DATE_EPOCH, from the flag, else a build argument, else the environment.
std::optional<int64_t> build_epoch(const BuildRequest& r, const std::vector<std::pair<std::string, std::string>>& args) {
  if (r.source_date_epoch) return r.source_date_epoch;
  for (const auto& [k, v] : args) {
    if (k != "SOURCE_DATE_EPOCH") continue;
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || n < 0)
      throw Error(ErrorKind::Usage, "SOURCE_DATE_EPOCH must be a number of seconds, not `" + v + "`");
    return n;
  }
  return source_date_epoch_from_env();
}

// Gets a base the store lacks (the store, then the registry or its mirrors,
// then the manifest's `bases`): a pull, else the recipe that names it (mmdebstrap, or an
// archive). Returns how it was obtained; nullopt when nothing knows the image.
std::optional<std::string> obtain_base(const Store& store, const BuildRequest& r, const std::string& reference,
                                       const SourceLoc& from, bool again, Reporter& rep) {
  ImageRef wanted = ImageRef::parse(reference);
  const BaseRecipe* recipe = nullptr;
  for (const auto& b : r.bases)
    if (!recipe && ImageRef::parse(b.reference).full() == wanted.full()) recipe = &b;
  // Obtained again (check --rebuild): the way it was obtained the first time.
  bool pulled_before = false;
  if (again)
    if (auto entry = store.find(reference)) pulled_before = entry->manifest.annotations.count(kSourceAnnotation) > 0;
  if (r.policy.pull_bases && (!again || pulled_before)) {
    try {
      rep.status("the base " + reference + (again ? ": pulling it again" : " is not in the store: pulling it"));
      pull_image(store, wanted, PullOptions{}, rep);
      return "registry";
    } catch (const Error& e) {
      if (again) {
        rep.warn("could not pull " + reference + " again: " + e.message(), from, "the store's copy is used");
        return std::nullopt;
      }
      if (!recipe)
        throw Error(ErrorKind::Document, "the image `" + reference + "` is not in the store, and pulling it failed: " +
                                             e.message(), from,
                    "put it in the store first (waybill image load, import, bootstrap or pull), or say how to "
                    "get it in the manifest's `bases`");
      rep.status("pulling " + reference + " failed (" + e.message() + "); the manifest's `bases` says how to make it");
    }
  }
  if (!recipe) return std::nullopt;
  const BaseRecipe& b = *recipe;
  if (b.archive.empty()) {
    BootstrapRequest req;
    req.name = wanted;
    req.recipe = b.bootstrap;
    req.source_date_epoch = source_date_epoch_from_env();
    rep.status("the base " + reference + (again ? ": bootstrapping it again" : ": bootstrapping it"));
    bootstrap_image(store, req, rep);
    return "bootstrap";
  }
  rep.status("the base " + reference + (again ? ": loading it again from " : ": loading ") + b.archive);
  std::vector<CreatedImage> loaded = load_archive(store, b.archive, rep);
  bool named = false;
  for (const auto& img : loaded)
    for (const auto& n : img.names) named = named || n.full() == wanted.full();
  if (!named) {
    // An archive without names (or with others): its only image is the base.
    if (loaded.size() != 1)
      throw Error(ErrorKind::Document, "the archive " + b.archive + " holds " + std::to_string(loaded.size()) +
                                           " images, none named " + reference, {},
                  "save the base with its name: waybill image save " + reference + " -o FILE");
    store.set_name(wanted, loaded[0].manifest);
  }
  return "archive";
}

}  // namespace

BuildResponse build_from_request(const BuildRequest& r, Reporter& rep) {
  BuildResponse resp;
  {
    BuildOptions o;
    o.context = r.context;
    if (r.dockerfile_text) {
      o.dockerfile = *r.dockerfile_text;
      o.source.file = r.dockerfile_name;
      o.source.line_offset = r.first_line - 1;
    } else {
      std::filesystem::path file = r.dockerfile.empty() ? o.context / "Dockerfile" : std::filesystem::path(r.dockerfile);
      auto text = read_file_if_exists(file);
      if (!text)
        throw Error(ErrorKind::Usage, "no Dockerfile at " + file.string(), {},
                    "give one with -f FILE, or put a Dockerfile in the context directory");
      o.dockerfile = *text;
      o.source.file = display_path(file);
    }
    for (const auto& t : r.tags) o.tags.push_back(ImageRef::parse(t));
    for (const auto& a : r.build_args) {
      auto eq = a.find('=');
      if (eq != std::string::npos) o.build_args.emplace_back(a.substr(0, eq), a.substr(eq + 1));
      else if (const char* v = std::getenv(a.c_str())) o.build_args.emplace_back(a, v);
    }
    o.target = r.target;
    o.policy = r.policy;
    if (r.network != "host" && r.network != "none" && r.network != "default")
      throw Error(ErrorKind::Usage, "unknown network `" + r.network + "`", {}, "use host (the default) or none");
    o.network = r.network == "none" ? box::Network::None : box::Network::Host;
    o.source_date_epoch = build_epoch(r, o.build_args);
    o.compression = compression_named(r.compression);
    Store store = Store::open();
    o.obtain_base = [&](const std::string& reference, const SourceLoc& from) {
      return obtain_base(store, r, reference, from, r.policy.refresh_bases && store.find(reference).has_value(), rep);
    };
    std::map<std::string, std::string> before;  // a tag's image before the build
    for (const auto& t : o.tags)
      if (auto e = store.find(t.full())) before[t.full()] = e->manifest.digest.str();
    BuildResult result = build_image(store, o, rep);
    rep.status("built " + result.manifest.digest.short_id() + ": " + std::to_string(result.steps) + " steps, " +
               std::to_string(result.cached) + " cached");
    bool superseded = std::any_of(before.begin(), before.end(),
                                  [&](const auto& b) { return b.second != result.manifest.digest.str(); });
    // An edited Dockerfile leaves its old image behind each time: a store that grew by an
    // image per edit is what made stores of a few images take gigabytes.
    if (superseded)
      if (auto pruned = prune_superseded(store); pruned && (pruned->blobs || pruned->layers))
        rep.status("removed what the image's previous build alone used: " + std::to_string(pruned->layers) +
                   " unpacked layers (" + format_bytes(static_cast<int64_t>(pruned->layer_bytes)) + "), " +
                   std::to_string(pruned->blobs) + " blobs (" + format_bytes(static_cast<int64_t>(pruned->bytes)) + ")");
    resp.digest = result.manifest.digest.str();
    resp.steps = result.steps;
    resp.cached = result.cached;
    for (const auto& b : result.bases) resp.bases.push_back({b.reference, b.digest.str(), b.origin, b.labels});
  }
  return resp;
}

}  // namespace waybill::build
