#include "oci/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/user_namespace.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

fs::path default_home() {
  if (const char* h = std::getenv("WAYBILL_HOME"); h && *h) return h;
  // Root of the machine, not the root an ordinary user is in waybill's user namespace.
  if (::geteuid() == 0 && !in_user_namespace()) return "/var/lib/waybill";
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "waybill";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".local" / "share" / "waybill";
}

// ---- Store -----------------------------------------------------------------------

Store Store::open(const fs::path& home_in) {
  // Absolute, so that messages and mount options name it the same from any directory.
  const fs::path home = fs::absolute(home_in).lexically_normal();
  Store s(home);
  // A store that has its index is laid out already: skip the checks (every box start
  // opens the store, and they are a good part of its cost).
  if (::access((s.oci_dir() / "index.json").c_str(), F_OK) == 0 && ::access((home / "locks").c_str(), F_OK) == 0)
    return s;
  for (const fs::path& dir : {s.blob_dir(), s.layers_dir(), s.tmp_dir(), s.cache_dir(), home / "locks"}) {
    try {
      make_dirs(dir);
    } catch (Error& e) {
      e.with_hint("waybill keeps images in $WAYBILL_HOME (now " + home.string() + "); set it to a writable directory");
      throw;
    }
  }
  if (!fs::exists(s.oci_dir() / "oci-layout"))
    write_file_atomic(s.oci_dir() / "oci-layout", std::string("{\"imageLayoutVersion\":\"") + media::kOciLayout + "\"}");
  if (!fs::exists(s.oci_dir() / "index.json")) {
    FileLock lock(home / "locks" / "index.lock", FileLock::Mode::Exclusive);
    if (!fs::exists(s.oci_dir() / "index.json")) write_file_atomic(s.oci_dir() / "index.json", to_json(Index{}));
  }
  return s;
}

fs::path Store::blob_path(const Digest& d) const {
  if (d.algorithm() != "sha256") throw Error(ErrorKind::Document, "unsupported digest algorithm in " + d.str());
  return blob_dir() / std::string(d.hex());
}

bool Store::has_blob(const Digest& d) const { return fs::exists(blob_path(d)); }

fs::path Store::layer_dir(const Digest& diff_id) const { return layers_dir() / std::string(diff_id.hex()); }

bool Store::has_layer(const Digest& diff_id) const { return fs::is_directory(layer_dir(diff_id)); }

FileLock Store::gc_lock(FileLock::Mode mode) const { return FileLock(home_ / "locks" / "gc.lock", mode); }

Index Store::read_index() const {
  return parse_index(read_file(oci_dir() / "index.json"), (oci_dir() / "index.json").string());
}

void Store::update_index(const std::function<void(Index&)>& change) const {
  FileLock lock(home_ / "locks" / "index.lock", FileLock::Mode::Exclusive);
  Index index = read_index();
  change(index);
  write_file_atomic(oci_dir() / "index.json", to_json(index), 0644, true);
}

std::vector<IndexEntry> Store::entries() const {
  std::vector<IndexEntry> out;
  for (auto& d : read_index().manifests) {
    IndexEntry e{d, std::nullopt};
    if (auto it = d.annotations.find(media::kRefName); it != d.annotations.end())
      e.name = ImageRef::try_parse(it->second);
    out.push_back(std::move(e));
  }
  return out;
}

void Store::set_name(const ImageRef& name, const Descriptor& manifest) const {
  ImageRef plain = name;
  plain.digest.reset();
  std::string full = plain.full();
  update_index([&](Index& index) {
    std::erase_if(index.manifests, [&](const Descriptor& d) {
      auto it = d.annotations.find(media::kRefName);
      bool same_name = it != d.annotations.end() && it->second == full;
      bool unnamed_same_image = it == d.annotations.end() && d.digest == manifest.digest;
      return same_name || unnamed_same_image;
    });
    Descriptor entry = manifest;
    entry.annotations[media::kRefName] = full;
    index.manifests.push_back(entry);
  });
}

void Store::add_unnamed(const Descriptor& manifest) const {
  update_index([&](Index& index) {
    for (const auto& d : index.manifests)
      if (d.digest == manifest.digest) return;  // already kept by a name or an entry
    Descriptor entry = manifest;
    entry.annotations.erase(media::kRefName);
    index.manifests.push_back(entry);
  });
}

bool Store::remove_name(const ImageRef& name) const {
  ImageRef plain = name;
  plain.digest.reset();
  std::string full = plain.full();
  bool removed = false;
  update_index([&](Index& index) {
    size_t before = index.manifests.size();
    std::erase_if(index.manifests, [&](const Descriptor& d) {
      auto it = d.annotations.find(media::kRefName);
      return it != d.annotations.end() && it->second == full;
    });
    removed = index.manifests.size() != before;
  });
  return removed;
}

size_t Store::remove_digest(const Digest& manifest) const {
  size_t removed = 0;
  update_index([&](Index& index) {
    size_t before = index.manifests.size();
    std::erase_if(index.manifests, [&](const Descriptor& d) { return d.digest == manifest; });
    removed = before - index.manifests.size();
  });
  return removed;
}

std::optional<IndexEntry> Store::find(std::string_view text) const {
  std::vector<IndexEntry> all = entries();
  if (auto d = Digest::try_parse(text)) {
    for (auto& e : all)
      if (e.manifest.digest == *d) return e;
    return std::nullopt;
  }
  // An image ID as `image ls` shows it: a prefix of the manifest digest.
  if (text.size() >= 4 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
    std::optional<IndexEntry> hit;
    for (auto& e : all) {
      if (e.manifest.digest.hex().starts_with(text)) {
        if (hit && !(hit->manifest.digest == e.manifest.digest)) {
          throw Error(ErrorKind::Usage, "image ID `" + std::string(text) + "` is ambiguous", {},
                      "give more digits, or the image's name");
        }
        hit = e;
      }
    }
    if (hit) return hit;
  }
  auto ref = ImageRef::try_parse(text);
  if (!ref) return std::nullopt;
  std::string full = ref->full();
  for (auto& e : all)
    if (e.name && e.name->full() == full) return e;
  if (ref->digest) {
    for (auto& e : all)
      if (e.manifest.digest == *ref->digest) return e;
  }
  return std::nullopt;
}

IndexEntry Store::require(std::string_view text) const {
  if (auto e = find(text)) return *e;
  ImageRef::parse(text);  // a malformed reference gets the grammar's message
  throw Error(ErrorKind::Usage, "no image `" + std::string(text) + "` in the store (" + oci_dir().string() + ")", {},
              "`waybill image ls` lists the images; `image bootstrap`, `image import` and `image load` add them");
}

}  // namespace waybill::oci
