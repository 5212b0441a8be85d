// The parts of Store that hash: writing blobs, and reading blobs with their digest
// checked. They live apart from store.cpp (naming, index, lookup) so that the `waybill`
// executable can find an image without linking OpenSSL (ARCHITECTURE.md, "Module seams").
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "oci/store.hpp"
#include "util/error.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

// ---- BlobWriter ------------------------------------------------------------------

BlobWriter::BlobWriter(const Store& store) : store_(&store) {
  std::string tmpl = (store.tmp_dir() / "blob-XXXXXX").string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) throw Error::from_errno("create temporary blob in", store.tmp_dir().string(), errno);
  fd_.reset(fd);
  tmp_ = tmpl;
}

BlobWriter::~BlobWriter() {
  if (!done_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void BlobWriter::write(const void* data, size_t size) {
  hash_.update(data, size);
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_.get(), p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::from_errno("write", tmp_.string(), errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

Digest BlobWriter::commit(const std::optional<Digest>& expected, bool durable) {
  Digest got = hash_.finish();
  if (durable && ::fsync(fd_.get()) != 0) throw Error::from_errno("fsync", tmp_.string(), errno);
  fd_.reset();
  done_ = true;
  if (expected && !(*expected == got)) {
    ::unlink(tmp_.c_str());
    throw Error(ErrorKind::Document,
                "content does not match its digest: expected " + expected->str() + ", got " + got.str(), {},
                "the data was corrupted or truncated; nothing was stored");
  }
  fs::path dest = store_->blob_path(got);
  if (::chmod(tmp_.c_str(), 0644) != 0 || ::rename(tmp_.c_str(), dest.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_.c_str());
    throw Error::from_errno("move blob into", dest.string(), err);
  }
  return got;
}


std::string Store::read_blob(const Digest& d) const {
  std::string data = read_file(blob_path(d));
  if (!(Digest::sha256_of(data) == d)) {
    throw Error(ErrorKind::Document, "blob " + d.str() + " in the store is corrupt", {},
                "run `waybill image fsck`, then remove and reload the image");
  }
  return data;
}

Digest Store::put_blob(std::string_view data) const {
  BlobWriter w(*this);
  w.write(data);
  return w.commit();
}

StoredImage Store::image(const IndexEntry& entry, const std::string& platform) const {
  StoredImage img;
  img.descriptor = entry.manifest;
  Descriptor target = entry.manifest;
  if (is_index_type(target.media_type)) {
    Index index = parse_index(read_blob(target.digest), "index " + target.digest.str());
    const Descriptor* pick = nullptr;
    for (const auto& d : index.manifests)
      if (d.platform && d.platform->str() == platform && is_manifest_type(d.media_type)) pick = &d;
    if (!pick) {
      throw Error(ErrorKind::Usage, "image " + entry.manifest.digest.short_id() + " has no " + platform + " variant", {},
                  "the index lists the platforms the image was built for");
    }
    target = *pick;
  }
  img.manifest_digest = target.digest;
  img.manifest = parse_manifest(read_blob(target.digest), "manifest " + target.digest.str());
  img.config = parse_config(read_blob(img.manifest.config.digest), "config " + img.manifest.config.digest.str());
  for (auto& e : entries())
    if (e.name && e.manifest.digest == entry.manifest.digest) img.names.push_back(*e.name);
  return img;
}

}  // namespace waybill::oci
