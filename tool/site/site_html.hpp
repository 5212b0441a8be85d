#pragma once
// The markup the site adds around its pages: the sidebar (sections and pages, the
// current one marked), previous and next links, the generated index and provenance
// pages, and the search index the search script reads. Pure functions of the pages'
// scans and records, so a build in which nothing changed writes the same bytes.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "site/page_scan.hpp"

namespace waybill::site {

// A page of the navigation: a rendered document, or a page the site generates.
struct NavPage {
  std::string html;     // relative to the root
  std::string title;
  std::string section;  // "" outside any section
  bool generated = false;  // written by the site (the home and provenance pages)
};

std::string escape_html(std::string_view text);

// The sidebar's list, as seen from `current` (links relative to it).
std::string nav_html(const std::vector<NavPage>& pages, const std::string& current);

// The previous and next links of page `index` ("" at either end).
std::string prev_html(const std::vector<NavPage>& pages, size_t index);
std::string next_html(const std::vector<NavPage>& pages, size_t index);

// The body of the generated home page: every section and its pages.
std::string index_body(const std::string& title, const std::vector<NavPage>& pages);

// The body of provenance.html from each page's record (its in-toto Statement, or the
// DSSE envelope around it; null when the page has none).
struct PageRecord {
  const PageScan* page;
  std::string record_file;  // relative to the root
  nlohmann::json statement;
};
std::string provenance_body(const std::vector<PageRecord>& records);

// search-index.js: `window.waybillSearch = [...]`, one entry per section of every page.
// A script, not JSON, so that pages opened from the disk (file://) can load it too.
std::string search_index_js(const std::vector<PageScan>& pages);

}  // namespace waybill::site
