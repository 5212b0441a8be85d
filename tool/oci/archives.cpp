// Image archives: loading docker-archive and oci-archive files, saving OCI layouts
// with a docker manifest.json beside them.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <set>

#include "oci/archive_message.hpp"
#include "oci/compression.hpp"
#include "oci/image_ops.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

// Metadata files are read into memory; anything else is streamed into the store.
bool is_metadata(const std::string& path) {
  return path == "index.json" || path == "manifest.json" || path == "oci-layout" || path == "repositories";
}

std::string normalise_path(std::string p) {
  while (p.starts_with("./")) p.erase(0, 2);
  while (p.starts_with("/")) p.erase(0, 1);
  return p;
}

struct ArchiveContents {
  std::map<std::string, std::string> metadata;  // small JSON files by path
  std::map<std::string, Digest> blobs;          // every other regular file: its digest, now in the store
  std::map<std::string, int64_t> sizes;
};

ArchiveContents read_archive(const Store& store, const fs::path& file, Reporter& reporter) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_none(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 20) != ARCHIVE_OK) {
    throw Error(ErrorKind::Document, file.string() + ": cannot read the archive: " + archive_message(a.get()), {},
                "`image load` reads tar files written by `docker save`, `podman save` or `waybill image save`");
  }
  ArchiveContents out;
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN)
      throw Error(ErrorKind::Document, file.string() + ": damaged archive: " + archive_message(a.get()));
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string path = normalise_path(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    if (is_metadata(path)) {
      if (archive_entry_size(e) > (16 << 20)) throw Error(ErrorKind::Document, file.string() + ": `" + path + "` is too large");
      std::string data;
      la_ssize_t n;
      while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) data.append(buf.data(), static_cast<size_t>(n));
      if (n < 0) throw Error(ErrorKind::Document, file.string() + ": " + archive_message(a.get()));
      out.metadata[path] = std::move(data);
      continue;
    }
    BlobWriter blob(store);
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) {
      blob.write(buf.data(), static_cast<size_t>(n));
      total += static_cast<uint64_t>(n);
      reporter.progress("loading", total, 0);
    }
    if (n < 0) throw Error(ErrorKind::Document, file.string() + ": `" + path + "`: " + archive_message(a.get()));
    // An OCI layout names each blob by its digest: hold the content to it.
    std::optional<Digest> expected;
    if (path.starts_with("blobs/")) {
      auto parts = split(path, '/');
      if (parts.size() == 3) expected = Digest::try_parse(std::string(parts[1]) + ":" + std::string(parts[2]));
    }
    int64_t size = blob.size();
    try {
      out.blobs[path] = blob.commit(expected);
    } catch (Error& err) {
      err.add_context(file.string() + ": `" + path + "`");
      throw;
    }
    out.sizes[path] = size;
  }
  reporter.progress("loading", total, total);
  return out;
}

// Names an image gets from a reference annotation: full references only (an OCI
// layout's ref.name may be a bare tag, which names nothing by itself).
std::optional<ImageRef> name_from_annotation(const std::map<std::string, std::string>& annotations) {
  for (const char* key : {"io.containerd.image.name", media::kRefName}) {
    auto it = annotations.find(key);
    if (it == annotations.end()) continue;
    const std::string& v = it->second;
    if (v.find('/') == std::string::npos && v.find(':') == std::string::npos) continue;
    if (auto r = ImageRef::try_parse(v)) return r;
  }
  return std::nullopt;
}

std::vector<ImageRef> repo_tags(const json& item) {
  std::vector<ImageRef> out;
  if (auto t = item.find("RepoTags"); t != item.end() && t->is_array())
    for (auto& tag : *t)
      if (tag.is_string())
        if (auto r = ImageRef::try_parse(tag.get<std::string>())) out.push_back(*r);
  return out;
}

Digest blob_at(const ArchiveContents& c, const std::string& path, const fs::path& file) {
  auto it = c.blobs.find(normalise_path(path));
  if (it == c.blobs.end()) throw Error(ErrorKind::Document, file.string() + ": `" + path + "` is referenced but not in the archive");
  return it->second;
}

void check_manifest_blobs(const Store& store, const Manifest& m, const fs::path& file) {
  auto check = [&](const Descriptor& d) {
    if (!store.has_blob(d.digest))
      throw Error(ErrorKind::Document, file.string() + ": blob " + d.digest.str() + " is referenced but not in the archive");
  };
  check(m.config);
  for (const auto& l : m.layers) check(l);
  // An image whose config cannot be read (a number like 1e400) must be refused now, not
  // stored to break `image ls`, `fsck` and `run` later.
  if (is_config_type(m.config.media_type))
    (void)parse_config(store.read_blob(m.config.digest), file.string() + ": image config " + m.config.digest.str());
}

std::vector<CreatedImage> load_oci(const Store& store, const ArchiveContents& c, const fs::path& file,
                                   const std::map<std::string, std::vector<ImageRef>>& tags_by_config) {
  Index index = parse_index(c.metadata.at("index.json"), file.string() + ": index.json");
  std::vector<CreatedImage> out;
  for (const auto& d : index.manifests) {
    if (!store.has_blob(d.digest))
      throw Error(ErrorKind::Document, file.string() + ": manifest " + d.digest.str() + " is not in the archive");
    CreatedImage img{d, {}, {}};
    img.manifest.annotations.clear();
    if (is_manifest_type(d.media_type)) {
      Manifest m = parse_manifest(store.read_blob(d.digest), file.string() + ": manifest " + d.digest.str());
      check_manifest_blobs(store, m, file);
      if (auto it = tags_by_config.find(m.config.digest.str()); it != tags_by_config.end()) img.names = it->second;
    }
    if (img.names.empty())
      if (auto n = name_from_annotation(d.annotations)) img.names.push_back(*n);
    out.push_back(std::move(img));
  }
  return out;
}

std::vector<CreatedImage> load_docker(const Store& store, const ArchiveContents& c, const fs::path& file) {
  json items = json::parse(c.metadata.at("manifest.json"), nullptr, false);
  if (!items.is_array()) throw Error(ErrorKind::Document, file.string() + ": manifest.json is not a list");
  std::vector<CreatedImage> out;
  for (const auto& item : items) {
    if (!item.is_object() || !item.contains("Config") || !item.contains("Layers"))
      throw Error(ErrorKind::Document, file.string() + ": manifest.json entries need `Config` and `Layers`");
    Digest config_digest = blob_at(c, item["Config"].get<std::string>(), file);
    std::string config_json = store.read_blob(config_digest);
    ImageConfig config = parse_config(config_json, file.string() + ": image config");
    std::vector<Digest> diff_ids = config.diff_ids();
    const json& layers = item["Layers"];
    if (!layers.is_array() || layers.size() != diff_ids.size())
      throw Error(ErrorKind::Document, file.string() + ": the image lists " + std::to_string(layers.size()) +
                                           " layers but its config " + std::to_string(diff_ids.size()) + " diff_ids");
    Manifest m;
    m.media_type = media::kOciManifest;
    m.config = Descriptor{media::kOciConfig, config_digest, static_cast<int64_t>(config_json.size()), {}, {}, {}};
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string path = normalise_path(layers[i].get<std::string>());
      Digest d = blob_at(c, path, file);
      char head[4] = {0, 0, 0, 0};
      UniqueFd fd(::open(store.blob_path(d).c_str(), O_RDONLY | O_CLOEXEC));
      ssize_t got = fd ? ::read(fd.get(), head, sizeof head) : 0;
      Compression comp = sniff_compression(head, got > 0 ? static_cast<size_t>(got) : 0);
      // An uncompressed layer is its own diff_id: check it now rather than at first use.
      if (comp == Compression::None && !(d == diff_ids[i]))
        throw Error(ErrorKind::Document, file.string() + ": layer `" + path + "` is " + d.str() +
                                             " but the config says " + diff_ids[i].str());
      m.layers.push_back(Descriptor{layer_media_type(comp), d, c.sizes.at(path), {}, {}, {}});
    }
    std::string manifest_json = to_json(m);
    Descriptor desc{media::kOciManifest, store.put_blob(manifest_json), static_cast<int64_t>(manifest_json.size()), {}, {}, {}};
    out.push_back(CreatedImage{desc, repo_tags(item), {}});
  }
  return out;
}

}  // namespace

std::vector<CreatedImage> load_archive(const Store& store, const fs::path& file, Reporter& reporter) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  ArchiveContents c = read_archive(store, file, reporter);
  std::vector<CreatedImage> images;
  if (c.metadata.count("index.json")) {
    // Docker 25+ writes both; its manifest.json carries the names.
    std::map<std::string, std::vector<ImageRef>> tags;
    if (c.metadata.count("manifest.json")) {
      json items = json::parse(c.metadata.at("manifest.json"), nullptr, false);
      if (items.is_array())
        for (const auto& item : items)
          if (item.is_object() && item.contains("Config") && item["Config"].is_string())
            if (auto it = c.blobs.find(normalise_path(item["Config"].get<std::string>())); it != c.blobs.end())
              tags[it->second.str()] = repo_tags(item);
    }
    images = load_oci(store, c, file, tags);
  } else if (c.metadata.count("manifest.json")) {
    images = load_docker(store, c, file);
  } else {
    throw Error(ErrorKind::Document, file.string() + ": neither an OCI layout (index.json) nor a docker archive (manifest.json)",
                {}, "`image load` reads files written by `docker save`, `podman save` or `waybill image save`");
  }
  for (auto& img : images) {
    if (img.names.empty()) store.add_unnamed(img.manifest);
    for (const auto& n : img.names) store.set_name(n, img.manifest);
  }
  return images;
}

// ---- save ----------------------------------------------------------------------------

namespace {

class TarOut {
 public:
  explicit TarOut(const fs::path& path) : a_(archive_write_new(), archive_write_free) {
    archive_write_set_format_pax_restricted(a_.get());
    archive_write_set_bytes_in_last_block(a_.get(), 1);
    if (archive_write_open_filename(a_.get(), path.c_str()) != ARCHIVE_OK)
      throw Error(ErrorKind::Io, path.string() + ": " + archive_message(a_.get()));
  }

  void dir(const std::string& name) { header(name, AE_IFDIR, 0755, 0); }

  void data(const std::string& name, std::string_view content) {
    header(name, AE_IFREG, 0644, static_cast<int64_t>(content.size()));
    write(content.data(), content.size());
  }

  void file(const std::string& name, const fs::path& source) {
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error::from_errno("open", source.string(), errno);
    header(name, AE_IFREG, 0644, static_cast<int64_t>(fs::file_size(source)));
    std::vector<char> buf(1 << 20);
    ssize_t n;
    while ((n = ::read(fd.get(), buf.data(), buf.size())) > 0) write(buf.data(), static_cast<size_t>(n));
    if (n < 0) throw Error::from_errno("read", source.string(), errno);
  }

  void close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) throw Error(ErrorKind::Io, archive_message(a_.get()));
  }

 private:
  // Fixed owners, modes and times: the same images always make the same archive.
  void header(const std::string& name, mode_t type, mode_t perm, int64_t size) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), perm);
    archive_entry_set_size(e.get(), size);
    archive_entry_set_mtime(e.get(), 0, 0);
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) throw Error(ErrorKind::Io, archive_message(a_.get()));
  }
  void write(const void* p, size_t n) {
    if (archive_write_data(a_.get(), p, n) < 0) throw Error(ErrorKind::Io, archive_message(a_.get()));
  }

  ArchivePtr a_;
};

}  // namespace

void save_archive(const Store& store, const std::vector<std::string>& names, const fs::path& out, Reporter& reporter) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  std::set<std::string> blobs;  // digests (sha256:...) to include
  Index index;
  json docker = json::array();
  for (const auto& text : names) {
    IndexEntry entry = store.require(text);
    StoredImage img = store.image(entry);
    blobs.insert(entry.manifest.digest.str());
    blobs.insert(img.manifest_digest.str());
    blobs.insert(img.manifest.config.digest.str());
    for (const auto& l : img.manifest.layers) blobs.insert(l.digest.str());
    if (is_index_type(entry.manifest.media_type)) {
      for (const auto& d : parse_index(store.read_blob(entry.manifest.digest), "index").manifests) {
        if (!store.has_blob(d.digest)) continue;  // a platform that was never fetched
        blobs.insert(d.digest.str());
      }
    }
    // The name asked for, or every name the image has when asked by ID.
    std::vector<ImageRef> refs;
    if (auto r = ImageRef::try_parse(text); r && entry.name && entry.name->full() == r->full()) refs = {*r};
    else refs = img.names;
    Descriptor d = entry.manifest;
    d.annotations.clear();
    for (const auto& r : refs) {
      Descriptor named = d;
      named.annotations[media::kRefName] = r.full();
      named.annotations["io.containerd.image.name"] = r.full();
      index.manifests.push_back(named);
    }
    if (refs.empty()) index.manifests.push_back(d);
    json item = {{"Config", "blobs/sha256/" + std::string(img.manifest.config.digest.hex())},
                 {"RepoTags", json::array()}, {"Layers", json::array()}};
    for (const auto& r : refs) item["RepoTags"].push_back(r.familiar());
    for (const auto& l : img.manifest.layers) item["Layers"].push_back("blobs/sha256/" + std::string(l.digest.hex()));
    docker.push_back(item);
  }
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  fs::path tmp = dir / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  try {
    TarOut tar(tmp);
    tar.data("oci-layout", std::string("{\"imageLayoutVersion\":\"") + media::kOciLayout + "\"}");
    tar.data("index.json", to_json(index));
    tar.data("manifest.json", canonical(docker));
    tar.dir("blobs/");
    tar.dir("blobs/sha256/");
    uint64_t done = 0;
    for (const auto& b : blobs) {
      Digest d = Digest::parse(b);
      tar.file("blobs/sha256/" + std::string(d.hex()), store.blob_path(d));
      done += fs::file_size(store.blob_path(d));
      reporter.progress("saving", done, 0);
    }
    tar.close();
    reporter.progress("saving", done, done);
    if (::rename(tmp.c_str(), out.c_str()) != 0) throw Error::from_errno("rename to", out.string(), errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace waybill::oci
