#pragma once
// What the site needs to know of each page before any page renders: its title, the
// ids and cross-reference labels it defines (for links from other pages), the text of
// its sections (for the search index), and its plan (the images and data it uses).
// Reading a page is cheap (no cell runs), so every build reads every page.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "doc/model.hpp"
#include "driver/page_context.hpp"
#include "plan/plan.hpp"
#include "render/crossref.hpp"
#include "site/project.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::site {

struct SearchSection {
  std::string heading;  // "" for the text before the first heading
  std::string anchor;   // the heading's id
  std::string text;     // plain text: prose, list items, table cells and cell code
};

struct PageScan {
  PageEntry entry;
  std::string html;    // the output, relative to the site's root: "lessons/data.html"
  std::string title;   // plain text: the front matter's title, else the file name
  doc::Document doc;   // with the site's front matter defaults
  plan::Plan plan;
  std::set<std::string> ids;                          // every id a link may point at
  std::map<std::string, render::RefTarget> labels;    // cross-reference targets
  std::vector<SearchSection> sections;
};

// How every page of `project` is read and planned: its folder, its front matter and plan
// defaults (driver/prepare.hpp). Rendering a page adds its links and layout.
driver::PageContext reading_context(const Project& project);

// Throws Error(Document) for a page that cannot be read or planned.
PageScan scan_page(const Project& project, const PageEntry& entry, Reporter& reporter);

// "lessons/data.md" -> "lessons/data.html".
std::string html_path(const std::string& page_path);

// A link from the page at `from` to `to`, both relative to the site's root.
std::string relative_href(const std::string& from, const std::string& to);
// A page's path made safe as an href: "./a:b.html" where "a:b.html" would be a URL.
std::string page_href(const std::string& relative);

}  // namespace waybill::site
