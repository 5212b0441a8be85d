#pragma once
// What a site has beyond its pages: the search index and script, the stylesheet, the
// generated home and provenance pages, and the files pages link to. Each is written
// only when its bytes changed, so an unchanged site is left untouched.
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "site/page_scan.hpp"
#include "site/site_html.hpp"

namespace waybill::site {

// Writes `data` to `path` (atomically) unless the file already holds exactly that.
bool write_if_changed(const std::filesystem::path& path, std::string_view data, bool make_parent = true);

struct SiteFiles {
  const Project& project;
  const std::vector<PageScan>& pages;
  const std::vector<NavPage>& nav;
  const std::set<std::string>& linked_files;  // relative to the root

  // Returns the files written, relative to the output.
  std::vector<std::string> write(bool pages_rendered) const;

 private:
  std::string generated_page(const std::string& html, const std::string& title, const std::string& body) const;
};

}  // namespace waybill::site
