#pragma once
// Where and how a site (tool/site) writes one of its pages, beyond an ordinary render:
// the site's output folder with the styles its pages share, the way back to its root,
// and the page template with the site's navigation. A plain `waybill render` has none.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace waybill::render {

struct PageLayout {
  std::filesystem::path output_root;  // the site's output folder; shared assets go to _waybill/ in it
  std::string root_prefix;            // from the page's folder to the root: "", "../", ...
  std::filesystem::path template_path;
  // Raw HTML for the template, by key: site-title, nav, prev, next, root, search.
  std::vector<std::pair<std::string, std::string>> values;
};

}  // namespace waybill::render
