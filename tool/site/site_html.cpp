#include "site/site_html.hpp"

#include <map>
#include <set>

#include "render/html_writer.hpp"
#include "util/base64.hpp"

namespace waybill::site {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string short_digest(const std::string& digest) {
  auto colon = digest.find(':');
  std::string hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
  return hex.substr(0, 12);
}

std::string code(const std::string& text) { return "<code>" + escape_html(text) + "</code>"; }

// The Statement inside a record: a plain one, or the payload of a signed envelope.
json statement_of(const json& record) {
  if (!record.is_object() || !record.contains("payload")) return record;
  auto payload = base64_decode(record.value("payload", std::string()));
  return payload ? json::parse(*payload, nullptr, false) : json();
}

}  // namespace

std::string escape_html(std::string_view text) { return render::HtmlWriter::escape(text, true); }

std::string nav_html(const std::vector<NavPage>& pages, const std::string& current) {
  std::string out = "<ul class=\"site-pages\">\n";
  std::string section;
  bool open = false;
  for (const auto& p : pages) {
    if (p.section != section) {
      if (open) out += "</ul></li>\n";
      section = p.section;
      open = !section.empty();
      if (open) out += "<li class=\"site-section\"><span class=\"site-section-title\">" + escape_html(section) + "</span><ul>\n";
    }
    bool here = p.html == current;
    out += "<li><a href=\"" + escape_html(relative_href(current, p.html)) + "\"" + (here ? " aria-current=\"page\"" : "") + ">" +
           escape_html(p.title) + "</a></li>\n";
  }
  if (open) out += "</ul></li>\n";
  return out + "</ul>\n";
}

std::string prev_html(const std::vector<NavPage>& pages, size_t i) {
  if (i == 0 || i >= pages.size()) return {};
  const NavPage& p = pages[i - 1];
  return "<a class=\"page-prev\" rel=\"prev\" href=\"" + escape_html(relative_href(pages[i].html, p.html)) +
         "\"><span class=\"page-nav-label\">Previous</span> " + escape_html(p.title) + "</a>";
}

std::string next_html(const std::vector<NavPage>& pages, size_t i) {
  if (i + 1 >= pages.size()) return {};
  const NavPage& p = pages[i + 1];
  return "<a class=\"page-next\" rel=\"next\" href=\"" + escape_html(relative_href(pages[i].html, p.html)) +
         "\"><span class=\"page-nav-label\">Next</span> " + escape_html(p.title) + "</a>";
}

std::string index_body(const std::string& title, const std::vector<NavPage>& pages) {
  std::string out = "<h1 class=\"title\">" + escape_html(title) + "</h1>\n<div class=\"site-contents\">\n";
  std::string section = "\x01";
  bool open = false;
  for (const auto& p : pages) {
    if (p.html == "index.html" || p.generated) continue;
    if (p.section != section) {
      if (open) out += "</ol>\n";
      section = p.section;
      if (!section.empty()) out += "<h2>" + escape_html(section) + "</h2>\n";
      out += "<ol>\n";
      open = true;
    }
    out += "<li><a href=\"" + escape_html(page_href(p.html)) + "\">" + escape_html(p.title) + "</a></li>\n";
  }
  if (open) out += "</ol>\n";
  return out + "</div>\n";
}

std::string provenance_body(const std::vector<PageRecord>& records) {
  // Images and data across pages, by digest: which pages used each.
  struct Used {
    std::string kind, name, digest, how;
    std::set<std::string> pages;
  };
  std::map<std::string, Used> used;  // by kind + digest
  std::map<std::string, std::string> titles;  // by page html
  for (const auto& r : records) titles[r.page->html] = r.page->title;
  std::string rows;
  for (const auto& r : records) {
    json st = statement_of(r.statement);
    std::string link = "<a href=\"" + escape_html(page_href(r.page->html)) + "\">" + escape_html(r.page->title) + "</a>";
    if (st.is_null()) {
      rows += "<tr><td>" + link + "</td><td colspan=\"4\">no record</td></tr>\n";
      continue;
    }
    const json pred = st.value("predicate", json::object());
    const json deps = pred.value("buildDefinition", json::object()).value("resolvedDependencies", json::array());
    const json products = pred.value("runDetails", json::object()).value("byproducts", json::array());
    size_t cells = 0, images = 0;
    std::string document = "sha256:" + pred.value("buildDefinition", json::object())
                                           .value("externalParameters", json::object())
                                           .value("document", json::object())
                                           .value("digest", json::object())
                                           .value("sha256", "");
    for (const auto& d : deps) {
      std::string name = d.value("name", ""), digest = "sha256:" + d.value("digest", json::object()).value("sha256", "");
      const json a = d.value("annotations", json::object());
      std::string kind = name.substr(0, name.find('/'));
      if (kind != "image" && kind != "data" && kind != "base") continue;
      images += kind == "image";
      std::string how = kind == "image" ? (a.value("fromDocument", false) ? "built" : "from the store")
                      : kind == "data"  ? "mounted at " + a.value("mountedAt", std::string("?"))
                                        : a.value("obtainedBy", std::string());
      Used& u = used[kind + digest];
      u.kind = kind;
      u.name = name.substr(name.find('/') + 1);
      u.digest = digest;
      if (u.how.empty()) u.how = how;
      u.pages.insert(r.page->html);
    }
    for (const auto& p : products) cells += p.value("name", "").starts_with("cell/");
    rows += "<tr><td>" + link + "</td><td><a href=\"" + escape_html(page_href(r.record_file)) + "\">" +
            escape_html(fs::path(r.record_file).filename().string()) + "</a></td><td>" + code(short_digest(document)) +
            "</td><td>" + std::to_string(images) + "</td><td>" + std::to_string(cells) + "</td></tr>\n";
  }
  std::string out = "<h1 class=\"title\">Provenance</h1>\n"
                    "<p>Every image, base and dataset the pages of this site ran in or read, by digest, and each "
                    "page's own record (an in-toto Statement with a SLSA provenance predicate; "
                    "<code>waybill verify</code> checks one).</p>\n";
  for (const char* kind : {"image", "base", "data"}) {
    std::string body;
    for (const auto& [key, u] : used) {
      if (u.kind != kind) continue;
      std::string pages;
      for (const auto& p : u.pages)
        pages += std::string(pages.empty() ? "" : ", ") + "<a href=\"" + escape_html(page_href(p)) + "\">" + escape_html(titles[p]) + "</a>";
      body += "<tr><td>" + code(u.name) + "</td><td>" + code(u.digest) + "</td><td>" + escape_html(u.how) + "</td><td>" +
              pages + "</td></tr>\n";
    }
    if (body.empty()) continue;
    std::string title = std::string(kind) == "image" ? "Images" : std::string(kind) == "base" ? "Base images" : "Data";
    out += "<h2 id=\"" + std::string(kind) + "s\">" + title + "</h2>\n<table class=\"site-provenance\">\n<thead><tr><th>name</th>"
           "<th>digest</th><th>how</th><th>pages</th></tr></thead>\n<tbody>\n" + body + "</tbody>\n</table>\n";
  }
  out += "<h2 id=\"pages\">Pages</h2>\n<table class=\"site-provenance\">\n<thead><tr><th>page</th><th>record</th>"
         "<th>document</th><th>images</th><th>cells</th></tr></thead>\n<tbody>\n" + rows + "</tbody>\n</table>\n";
  return out;
}

std::string search_index_js(const std::vector<PageScan>& pages) {
  json all = json::array();
  for (const auto& p : pages)
    for (const auto& s : p.sections) {
      if (s.heading.empty() && s.text.empty()) continue;
      all.push_back({{"page", p.title}, {"url", page_href(p.html) + (s.anchor.empty() ? "" : "#" + s.anchor)},
                     {"heading", s.heading}, {"text", s.text}});
    }
  // "</" cannot close the script early when the index is inlined elsewhere.
  std::string text = all.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string safe;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') safe += "<\\";
    else safe += text[i];
  }
  return "window.waybillSearch = " + safe + ";\n";
}

}  // namespace waybill::site
