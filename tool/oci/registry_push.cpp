// `waybill image push` (see registry_ops.hpp).
#include <fcntl.h>

#include "oci/blob_locations.hpp"
#include "oci/credentials.hpp"
#include "oci/registry_client.hpp"
#include "oci/registry_ops.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/units.hpp"

namespace waybill::oci {

namespace {

class ImagePusher {
 public:
  ImagePusher(const Store& store, const ImageRef& dest, RegistryClient& client, Reporter& rep)
      : store_(store), dest_(dest), client_(client), rep_(rep), locations_(store) {}

  // A manifest and its blobs; an index and, first, every manifest it lists.
  void push(const Descriptor& d, const std::string& reference) {
    std::string body = store_.read_blob(d.digest);
    if (is_index_type(d.media_type)) {
      Index index = parse_index(body, "index " + d.digest.str());
      for (const auto& child : index.manifests) {
        if (!store_.has_blob(child.digest))
          throw Error(ErrorKind::Document, "the index " + d.digest.short_id() + " lists " + child.digest.str() +
                                               ", which is not in the store", {},
                      "push one platform's image by its digest instead");
        push(child, child.digest.str());
      }
    } else {
      Manifest m = parse_manifest(body, "manifest " + d.digest.str());
      push_blob(m.config);
      for (const auto& l : m.layers) push_blob(l);
    }
    std::string type = d.media_type.empty() ? sniff_media_type(body) : d.media_type;
    client_.put_manifest(dest_.repository, reference, type, body, d.digest);
  }

  // Remembers where the blobs now are, for later pushes' mounts.
  void remember() { locations_.add(dest_.registry, dest_.repository, pushed_); }

  PushResult result;

 private:
  void push_blob(const Descriptor& blob) {
    const std::string id = blob.digest.short_id();
    pushed_.push_back(blob.digest);
    if (client_.has_blob(dest_.repository, blob.digest)) {
      ++result.existing;
      rep_.status("blob " + id + ": already in " + dest_.name());
      return;
    }
    for (const auto& from : locations_.repositories(dest_.registry, blob.digest)) {
      if (from == dest_.repository || !client_.mount_blob(dest_.repository, blob.digest, from)) continue;
      ++result.mounted;
      rep_.status("blob " + id + ": mounted from " + from);
      return;
    }
    std::filesystem::path path = store_.blob_path(blob.digest);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error::from_errno("open", path.string(), errno);
    client_.upload_blob(dest_.repository, blob.digest, fd.get(), blob.size, id + " " + format_bytes(blob.size));
    ++result.uploaded;
    rep_.status("blob " + id + ": uploaded " + format_bytes(blob.size));
  }

  const Store& store_;
  const ImageRef& dest_;
  RegistryClient& client_;
  Reporter& rep_;
  BlobLocations locations_;
  std::vector<Digest> pushed_;
};

}  // namespace

PushResult push_image(const Store& store, const std::string& source, const ImageRef& destination, const std::string& authfile,
                      Reporter& rep) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  IndexEntry entry = store.require(source);
  RegistryConfig config = RegistryConfig::load();
  RegistryClient client(destination.registry, destination.registry, config, find_credential(destination.registry, authfile),
                        rep);
  ImagePusher pusher(store, destination, client, rep);
  Descriptor d = entry.manifest;
  d.annotations.clear();
  std::string reference = destination.tag.empty() ? d.digest.str() : destination.tag;
  if (destination.digest && !(*destination.digest == d.digest))
    throw Error(ErrorKind::Usage, "the image is " + d.digest.str() + ", not " + destination.digest->str(), {},
                "push to a tag, or to the image's own digest");
  pusher.push(d, reference);
  pusher.remember();
  pusher.result.manifest = d.digest;
  return pusher.result;
}

}  // namespace waybill::oci
