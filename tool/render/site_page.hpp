#pragma once
// What a site (tool/site) adds to an ordinary render of one of its pages: defaults from
// waybill.yml, images it built once for every page, the rewriting of links and
// cross-page references, and the site's page template with its navigation. Set on
// RenderRequest::site_page; a plain `waybill render` leaves it null.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "doc/model.hpp"
#include "exec/images.hpp"
#include "plan/plan.hpp"

namespace waybill::render {

struct SitePage {
  std::filesystem::path project;      // the site's folder: what its pages may read beneath
  std::filesystem::path output_root;  // the site's output folder; shared assets go to _waybill/ in it
  std::string root_prefix;            // from the page's folder to the root: "", "../", ...
  std::filesystem::path template_path;
  // Raw HTML for the template, by key: site-title, nav, prev, next, root, search.
  std::vector<std::pair<std::string, std::string>> values;
  const doc::MetaValue* front_matter = nullptr;  // under every page's own front matter
  plan::PlanDefaults defaults;
  std::map<std::string, exec::DocumentImage> prepared_images;
  // Applied right after the page is read (links to pages become links to their HTML,
  // references to labels of other pages become links). Throws Error at a broken one.
  std::function<void(doc::Document&)> transform;
};

}  // namespace waybill::render
