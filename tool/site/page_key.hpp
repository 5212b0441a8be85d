#pragma once
// A page's key: a digest of everything its output depends on, so that a build renders
// only pages whose key changed. It covers the page's text, waybill.yml, the navigation
// (titles and order: they are in every page), the pages its references point into, the
// Dockerfiles of the images it runs in and the files their builds read, the digests of
// the stored images and datasets it names, its declared inputs, its bibliography and
// images, and the waybill that renders it.
#include <map>
#include <optional>
#include <string>

#include "oci/store.hpp"
#include "site/links.hpp"
#include "site/page_scan.hpp"
#include "site/project.hpp"

namespace waybill::site {

// The store's digests of images named by reference, looked up once per build (a site
// with no store, or without the image, gives "").
class StoreDigests {
 public:
  std::string operator()(const std::string& name);

 private:
  bool opened_ = false;
  std::optional<oci::Store> store_;
  std::map<std::string, std::string> seen_;
};

struct KeyContext {
  const Project& project;
  std::string nav_digest;   // of the site's titles, sections and order
  std::string options;      // render options that change output (--no-execute)
  StoreDigests& store;
};

std::string page_key(const KeyContext& context, const PageScan& page, const LinkReport& links);

// The names, sizes and change times of the files under `dir` (hidden entries and the
// site's output left out): cheap to take, and it changes when a build context does.
std::string tree_digest(const std::filesystem::path& dir, const std::filesystem::path& skip);

}  // namespace waybill::site
