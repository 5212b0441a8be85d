#pragma once
// A page's key: a digest of everything its output depends on, so that a build renders
// only pages whose key changed. It covers the page's text, waybill.yml, the navigation
// (titles and order: they are in every page), the pages its references point into, the
// Dockerfiles of the images it runs in and the files their builds read, the digests of
// the stored images and datasets it names, its declared inputs, its bibliography and
// images, and the waybill that renders it.
#include <string>

#include "site/links.hpp"
#include "site/page_scan.hpp"
#include "site/project.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::site {

struct KeyContext {
  const Project& project;
  std::string nav_digest;   // of the site's titles, sections and order
  std::string options;      // render options that change output (--no-execute)
};

std::string page_key(const KeyContext& context, const PageScan& page, const LinkReport& links, Reporter& reporter);

// The names, sizes and change times of the files under `dir` (hidden entries and the
// site's output left out): cheap to take, and it changes when a build context does.
std::string tree_digest(const std::filesystem::path& dir, const std::filesystem::path& skip);

}  // namespace waybill::site
