#include "modules/image_verbs.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "box/lease.hpp"
#include "oci/compression.hpp"
#include "oci/credentials.hpp"
#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "oci/registry_ops.hpp"
#include "oci/run_config.hpp"
#include "oci/store.hpp"
#include "util/file_lock.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill {

using namespace oci;


namespace {

std::string format_list(const std::vector<ImageSummary>& images, const ImageRequest& r) {
  if (r.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : images) {
      nlohmann::json names = nlohmann::json::array();
      for (const auto& n : s.names) names.push_back(n.familiar());
      out.push_back({{"names", names}, {"digest", s.manifest_digest.str()}, {"created", s.created},
                     {"size", s.size}, {"platform", s.platform}});
    }
    return out.dump(2) + "\n";
  }
  if (r.quiet) {
    std::string out;
    for (const auto& s : images) out += s.manifest_digest.short_id() + "\n";
    return out;
  }
  std::vector<std::vector<std::string>> rows = {{"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"}};
  for (const auto& s : images) {
    auto add = [&](const std::string& repo, const std::string& tag) {
      rows.push_back({repo, tag, s.manifest_digest.short_id(), s.created, format_bytes(s.size)});
    };
    if (s.names.empty()) add("<none>", "<none>");
    for (const auto& n : s.names) {
      ImageRef plain = n;
      plain.tag.clear();
      plain.digest.reset();
      std::string repo = plain.familiar();
      add(repo, n.tag.empty() ? "<none>" : n.tag);
    }
  }
  std::vector<size_t> width(5, 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 3, ' ') : "");
    out += std::string(trim_right(line)) + "\n";
  }
  return out;
}

// login and logout touch credentials only, never the store.
void run_credentials(const ImageRequest& r, Reporter& rep, ImageResponse& resp) {
  if (r.verb == ImageRequest::Verb::Login) {
    std::string registry = registry_host(r.args.at(0));
    std::string file = login(registry, r.username, r.password, r.authfile, rep);
    resp.out = "Login Succeeded!\n";
    rep.status("credentials for " + registry + " saved in " + file);
    return;
  }
  std::filesystem::path file = login_file(r.authfile);
  if (r.all) {
    size_t n = remove_all_credentials(file);
    resp.out = "Removed login credentials for " + std::to_string(n) + " registries\n";
    return;
  }
  std::string registry = registry_host(r.args.at(0));
  if (!remove_credential(file, registry)) {
    std::string hint = "there is nothing to remove in " + file.string();
    if (auto other = find_credential(registry, r.authfile))
      hint = "its credentials are in " + other->file.string() + ", which waybill reads but did not write; edit that file";
    throw Error(ErrorKind::Usage, "not logged in to " + registry, {}, hint);
  }
  resp.out = "Removed login credentials for " + registry + "\n";
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

// `image df`: a table as `docker system df` prints, or JSON.
std::string format_usage(const StoreUsage& u, bool json) {
  struct Row {
    const char* key;
    const char* label;
    const StoreUsage::Part& part;
    const char* reclaim;
  };
  const Row rows[] = {
      {"images", "Images", u.images, ""},
      {"unpacked_layers", "Unpacked layers", u.layers, "image prune"},
      {"build_cache", "Build cache", u.build_cache, "image prune --build-cache"},
      {"unused_blobs", "Unused blobs", u.unused_blobs, "image prune"},
      {"cell_results", "Cell results", u.cells, ""},
      {"temporary", "Temporary files", u.temporaries, "image prune"},
  };
  uint64_t total = 0, reclaimable = 0;
  for (const auto& row : rows) total += row.part.bytes, reclaimable += row.part.reclaimable;
  if (json) {
    nlohmann::json j = {{"names", u.names}, {"total_bytes", total}, {"reclaimable_bytes", reclaimable}};
    for (const auto& row : rows)
      j[row.key] = {{"count", row.part.count}, {"bytes", row.part.bytes}, {"reclaimable_bytes", row.part.reclaimable}};
    return j.dump(2) + "\n";
  }
  auto bytes = [](uint64_t n) { return format_bytes(static_cast<int64_t>(n)); };
  std::string out = pad("TYPE", 18) + pad("COUNT", 8) + pad("SIZE", 12) + pad("RECLAIMABLE", 14) + "BY\n";
  for (const auto& row : rows)
    out += pad(row.label, 18) + pad(std::to_string(row.part.count), 8) + pad(bytes(row.part.bytes), 12) +
           pad(row.part.reclaimable ? bytes(row.part.reclaimable) : "0 B", 14) +
           (row.part.reclaimable ? std::string("waybill ") + row.reclaim : std::string()) + "\n";
  out += pad("Total", 26) + pad(bytes(total), 12) + bytes(reclaimable) + "\n";
  out += std::to_string(u.names) + " names. Unpacked layers are the images' files, kept so that boxes start at once; "
         "the images' blobs are kept for save, push and fsck.\n";
  return out;
}

void run(const ImageRequest& r, Reporter& rep, ImageResponse& resp) {
  if (r.verb == ImageRequest::Verb::Login || r.verb == ImageRequest::Verb::Logout) return run_credentials(r, rep, resp);
  Store store = Store::open();
  switch (r.verb) {
    case ImageRequest::Verb::Login:
    case ImageRequest::Verb::Logout:
      break;
    case ImageRequest::Verb::Pull: {
      PullOptions o{r.platform, r.authfile};
      PullResult p = pull_image(store, ImageRef::parse(r.args.at(0)), o, rep);
      rep.status("pulled " + p.reference.familiar() + " (" + p.manifest.short_id() + ") from " + p.host + ": " +
                 std::to_string(p.blobs_fetched) + " blobs fetched, " + std::to_string(p.blobs_present) + " already here");
      resp.out = p.manifest.str() + "\n";
      break;
    }
    case ImageRequest::Verb::Push: {
      const std::string& source = r.args.at(0);
      std::string dest = r.args.size() > 1 ? r.args[1] : source;
      auto ref = ImageRef::try_parse(dest);
      if (!ref || Digest::try_parse(dest))
        throw Error(ErrorKind::Usage, "push needs a destination name, not `" + dest + "`", {},
                    "waybill image push IMAGE REGISTRY/REPOSITORY:TAG");
      PushResult p = push_image(store, source, *ref, r.authfile, rep);
      rep.status("pushed " + ref->familiar() + " (" + p.manifest.short_id() + "): " + std::to_string(p.uploaded) +
                 " blobs uploaded, " + std::to_string(p.mounted) + " mounted, " + std::to_string(p.existing) +
                 " already there");
      resp.out = p.manifest.str() + "\n";
      break;
    }
    case ImageRequest::Verb::List:
      resp.out = format_list(list_images(store), r);
      break;
    case ImageRequest::Verb::Inspect: {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& name : r.args) all.push_back(inspect_image(store, name)[0]);
      resp.out = all.dump(2) + "\n";
      break;
    }
    case ImageRequest::Verb::Tag:
      tag_image(store, r.source, ImageRef::parse(r.name));
      break;
    case ImageRequest::Verb::Remove: {
      RemoveReport rm = remove_images(store, r.args);
      for (const auto& u : rm.untagged) resp.out += "Untagged: " + u + "\n";
      if (rm.blobs_removed || rm.layers_removed)
        resp.out += "Deleted: " + std::to_string(rm.blobs_removed) + " blobs (" + format_bytes(static_cast<int64_t>(rm.bytes_freed)) +
                    "), " + std::to_string(rm.layers_removed) + " unpacked layers\n";
      break;
    }
    case ImageRequest::Verb::Import: {
      RootfsImageOptions o;
      o.compression = compression_named(r.compression);
      o.source_date_epoch = source_date_epoch_from_env();
      o.created_by = "waybill image import " + fs::path(r.source).filename().string();
      CreatedImage img = import_rootfs(store, r.source, ImageRef::parse(r.name), o, rep);
      resp.out = img.manifest.digest.str() + "\n";
      break;
    }
    case ImageRequest::Verb::PackData: {
      CreatedImage img = pack_data_image(store, r.source, ImageRef::parse(r.name), compression_named(r.compression), rep);
      resp.out = img.manifest.digest.str() + "\n";
      break;
    }
    case ImageRequest::Verb::Bootstrap: {
      BootstrapRequest b;
      b.name = ImageRef::parse(r.name);
      b.recipe = r.bootstrap;
      b.compression = compression_named(r.compression);
      b.source_date_epoch = source_date_epoch_from_env();
      CreatedImage img = bootstrap_image(store, b, rep);
      resp.out = img.manifest.digest.str() + "\n";
      break;
    }
    case ImageRequest::Verb::Load: {
      for (const auto& file : r.args) {
        for (const auto& img : load_archive(store, file, rep)) {
          if (img.names.empty()) resp.out += "Loaded image: " + img.manifest.digest.str() + "\n";
          for (const auto& n : img.names) resp.out += "Loaded image: " + n.familiar() + "\n";
        }
      }
      break;
    }
    case ImageRequest::Verb::Save:
      save_archive(store, r.args, r.output, rep);
      break;
    case ImageRequest::Verb::Fsck: {
      FsckReport f = fsck_store(store, rep);
      for (const auto& p : f.problems) resp.out += "problem: " + p + "\n";
      for (const auto& n : f.notes) resp.out += "note: " + n + "\n";
      resp.out += "checked " + std::to_string(f.blobs) + " blobs, " + std::to_string(f.images) + " images, " +
                  std::to_string(f.layers) + " unpacked layers: " +
                  (f.ok() ? std::string("no problems") : std::to_string(f.problems.size()) + " problems") + "\n";
      resp.exit_code = f.ok() ? 0 : 1;
      break;
    }
    case ImageRequest::Verb::DiskUsage:
      resp.out = format_usage(store_usage(store), r.json);
      break;
    case ImageRequest::Verb::Unpack:
      for (const auto& name : r.args)
        for (const auto& dir : unpack_image(store, name, rep)) resp.out += dir.string() + "\n";
      break;
    case ImageRequest::Verb::Prune: {
      // Boxes of killed waybill processes first: their cgroups and directories.
      box::SweepReport swept = box::sweep_stale_leases(store.home() / "boxes");
      for (const auto& problem : swept.problems) rep.warn("could not clean up after a killed box: " + problem);
      if (swept.leases)
        rep.status("cleaned up after " + std::to_string(swept.leases) + " boxes of killed waybill processes (" +
                   std::to_string(swept.cgroups) + " cgroups, " + std::to_string(swept.dirs) + " directories)");
      PruneReport p = prune_store(store, rep, r.build_cache);
      if (r.build_cache) resp.out = "removed " + std::to_string(p.cache_entries) + " build cache entries\n";
      resp.out += "removed " + std::to_string(p.blobs) + " blobs (" + format_bytes(static_cast<int64_t>(p.bytes)) + "), " +
                 std::to_string(p.layers) + " unpacked layers, " + std::to_string(p.temporaries) + " temporary files\n";
      break;
    }
  }
}
}  // namespace

ImageResponse run_image_verb(const ImageRequest& request, Reporter& reporter) {
  ImageResponse response;
  run(request, reporter, response);
  return response;
}

void prepare_image_run(const std::string& home, const std::string& image, Reporter& reporter) {
  Store store = Store::open(home);
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  IndexEntry entry = store.require(image);
  StoredImage img = store.image(entry);
  unpack_image(store, entry.manifest.digest.str(), reporter);
  write_run_config(store, entry.manifest.digest, run_config_of(img));
}

}  // namespace waybill
