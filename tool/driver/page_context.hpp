#pragma once
// What a site (tool/site) adds to the journey of one of its pages: the site's folder,
// the front matter and plan defaults of its waybill.yml, the images it built once for
// every page, the rewriting of links and cross-page references, and where and how the
// page is written. A plain `waybill render` has none.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "doc/model.hpp"
#include "exec/images.hpp"
#include "plan/plan.hpp"
#include "render/page_layout.hpp"

namespace waybill::driver {

struct PageContext {
  std::filesystem::path project;                 // the site's folder: what its pages may read beneath
  const doc::MetaValue* front_matter = nullptr;  // under every page's own front matter
  plan::PlanDefaults defaults;
  std::map<std::string, exec::DocumentImage> prepared_images;
  // Applied right after the page is read (links to pages become links to their HTML,
  // references to labels of other pages become links). Throws Error at a broken one.
  std::function<void(doc::Document&)> transform;
  render::PageLayout layout;
};

}  // namespace waybill::driver
