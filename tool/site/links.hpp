#pragma once
// Links and cross-references between a site's pages. A link to a page's source
// (`data.md#load`) becomes a link to its HTML; a reference to a label another page
// defines (`@fig-speed`) becomes a link to it there. A link to a page or an anchor that
// does not exist, a link out of the site's folder, and a reference no page defines are
// errors at their place. Linked files that are not pages are copied into the output.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "site/page_scan.hpp"
#include "util/error.hpp"

namespace waybill::site {

struct LinkReport {
  std::vector<Diagnostic> errors;
  std::vector<std::string> files;          // linked non-page files, relative to the root
  std::map<std::string, std::string> refs;  // label -> "page#label: text", the references to other pages
};

class SiteLinks {
 public:
  // `generated`: the pages the site writes itself (index.html, provenance.html).
  SiteLinks(const Project& project, const std::vector<PageScan>& pages, std::vector<std::string> generated);

  // Checks and rewrites the links and references of `doc`, which is `page`'s document.
  LinkReport resolve(doc::Document& doc, const PageScan& page) const;

 private:
  void inlines(std::vector<doc::Inline>& v, const PageScan& page, const std::string& doc_path, LinkReport& r) const;
  void blocks(std::vector<doc::Block>& v, const PageScan& page, const std::string& doc_path, LinkReport& r) const;
  void link(doc::Inline& in, const PageScan& page, const std::string& doc_path, LinkReport& r) const;
  void cross_ref(doc::Inline& in, const PageScan& page, const std::string& doc_path, LinkReport& r) const;

  const Project& project_;
  std::map<std::string, const PageScan*> by_path_;   // "lessons/data.md" and "lessons/data.html"
  std::map<std::string, std::vector<const PageScan*>> by_label_;
  std::vector<std::string> generated_;
};

}  // namespace waybill::site
