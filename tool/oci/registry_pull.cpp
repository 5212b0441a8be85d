// `waybill image pull`, and `login` (see registry_ops.hpp).
#include <algorithm>

#include "oci/blob_locations.hpp"
#include "oci/credentials.hpp"
#include "oci/registry_client.hpp"
#include "oci/registry_ops.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::oci {

namespace {

// "linux/arm64" matches linux/arm64/v8 too: a variant is compared only when asked for.
bool platform_matches(const Platform& p, const std::string& wanted) {
  auto parts = split(wanted, '/');
  if (parts.size() < 2 || p.os != parts[0] || p.architecture != parts[1]) return false;
  return parts.size() < 3 || p.variant == parts[2];
}

std::string reference_text(const ImageRef& r) {
  return r.digest ? r.digest->str() : r.tag;
}

PullResult pull_from(const Store& store, const ImageRef& ref, const std::string& host, const RegistryConfig& config,
                     const PullOptions& options, Reporter& rep) {
  RegistryClient client(ref.registry, host, config, find_credential(host, options.authfile), rep);
  PullResult result;
  result.reference = ref;
  result.host = host;
  const std::string what = ref.familiar();
  FetchedManifest fetched = client.get_manifest(ref.repository, reference_text(ref));
  if (is_index_type(fetched.media_type)) {
    Index index = parse_index(fetched.body, what + ": index " + fetched.digest.str());
    const Descriptor* pick = nullptr;
    std::vector<std::string> offered;
    for (const auto& d : index.manifests) {
      if (!d.platform || !is_manifest_type(d.media_type)) continue;
      if (d.platform->os == "unknown") continue;  // attestations, not images
      offered.push_back(d.platform->str());
      if (!pick && platform_matches(*d.platform, options.platform)) pick = &d;
    }
    if (!pick)
      throw Error(ErrorKind::Document, what + " has no " + options.platform + " image; it has " +
                                           (offered.empty() ? std::string("none") : join(offered, ", ")),
                  {}, "choose one with --platform");
    result.index = fetched.digest;
    fetched = client.get_manifest(ref.repository, pick->digest.str());
  }
  if (!is_manifest_type(fetched.media_type))
    throw Error(ErrorKind::Document, what + ": the registry served a " + fetched.media_type + ", not an image manifest", {},
                "waybill pulls images (OCI or Docker v2 manifests)");
  Manifest manifest = parse_manifest(fetched.body, what + ": manifest " + fetched.digest.str());
  client.fetch_blob(ref.repository, manifest.config, store);
  ImageConfig image_config = parse_config(store.read_blob(manifest.config.digest), what + ": config");
  std::string got = image_config.platform().str();
  if (!result.index && !got.empty() && !platform_matches(image_config.platform(), options.platform))
    rep.warn(what + " is a " + got + " image, not " + options.platform, {}, "it may not run on this machine");
  for (const auto& layer : manifest.layers) {
    if (!layer_compression(layer.media_type))
      throw Error(ErrorKind::Document, what + ": layer " + layer.digest.short_id() + " has the media type " + layer.media_type +
                                           ", which waybill cannot unpack");
    if (store.has_blob(layer.digest)) {
      ++result.blobs_present;
      rep.status("blob " + layer.digest.short_id() + ": already in the store");
      continue;
    }
    client.fetch_blob(ref.repository, layer, store);
    ++result.blobs_fetched;
    rep.status("blob " + layer.digest.short_id() + ": fetched " + format_bytes(layer.size));
  }
  // The manifest last, then the name: until both are there, the image does not exist.
  if (!(store.put_blob(fetched.body) == fetched.digest))
    throw Error(ErrorKind::Internal, "the stored manifest's digest differs from the one fetched");
  Descriptor entry{fetched.media_type, fetched.digest, static_cast<int64_t>(fetched.body.size()), {}, {}, {}};
  ImageRef source = ref;
  source.digest = fetched.digest;
  entry.annotations[kSourceAnnotation] = source.full();
  entry.annotations[kSourceHostAnnotation] = host;
  if (result.index) entry.annotations[kSourceIndexAnnotation] = result.index->str();
  if (ref.tag.empty()) store.add_unnamed(entry);
  else store.set_name(ref, entry);
  result.manifest = fetched.digest;
  std::vector<Digest> blobs = {manifest.config.digest};
  for (const auto& l : manifest.layers) blobs.push_back(l.digest);
  BlobLocations(store).add(ref.registry, ref.repository, blobs);
  return result;
}

}  // namespace

PullResult pull_image(const Store& store, const ImageRef& reference, const PullOptions& options, Reporter& rep) {
  RegistryConfig config = RegistryConfig::load();
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  std::vector<std::string> hosts = config.settings(reference.registry).mirrors;
  hosts.push_back(reference.registry);
  for (size_t i = 0; i + 1 < hosts.size(); ++i) {
    try {
      return pull_from(store, reference, hosts[i], config, options, rep);
    } catch (const Error& e) {
      rep.warn("mirror " + hosts[i] + ": " + e.message(), {}, "trying the next source: " + hosts[i + 1]);
    }
  }
  return pull_from(store, reference, hosts.back(), config, options, rep);
}

std::string registry_host(const std::string& text) {
  std::string host = text;
  for (const char* scheme : {"https://", "http://"})
    if (host.starts_with(scheme)) host = host.substr(std::string(scheme).size());
  host = host.substr(0, host.find('/'));
  if (host == "index.docker.io" || host == "registry-1.docker.io") host = "docker.io";
  if (host.empty()) throw Error(ErrorKind::Usage, "no registry given", {}, "for example: waybill login ghcr.io");
  return host;
}

std::string login(const std::string& registry, const std::string& username, const std::string& password,
                  const std::string& authfile, Reporter& rep) {
  RegistryConfig config = RegistryConfig::load();
  std::filesystem::path file = login_file(authfile);
  RegistryClient client(registry, registry, config, Credential{username, password, "the command line"}, rep);
  client.check_access();
  save_credential(file, registry, username, password);
  return file.string();
}

}  // namespace waybill::oci
