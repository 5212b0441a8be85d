#include "site/links.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

namespace {

// A URL with a scheme (https:, mailto:) or a network path (//host): not ours to check.
bool is_external(const std::string& target) {
  if (target.starts_with("//")) return true;
  for (size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == ':') return i > 0;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

doc::Inline text_inline(std::string text, doc::Pos pos) {
  doc::Inline t;
  t.kind = doc::InlineKind::Text;
  t.text = std::move(text);
  t.pos = pos;
  return t;
}

}  // namespace

SiteLinks::SiteLinks(const Project& project, const std::vector<PageScan>& pages, std::vector<std::string> generated)
    : project_(project), generated_(std::move(generated)) {
  for (const auto& p : pages) {
    by_path_[p.entry.path] = &p;
    by_path_[p.html] = &p;
    for (const auto& [label, target] : p.labels) by_label_[label].push_back(&p);
  }
}

LinkReport SiteLinks::resolve(doc::Document& d, const PageScan& page) const {
  LinkReport r;
  blocks(d.blocks, page, d.path, r);
  for (auto& note : d.footnotes) blocks(note, page, d.path, r);
  return r;
}

void SiteLinks::blocks(std::vector<doc::Block>& v, const PageScan& page, const std::string& doc_path, LinkReport& r) const {
  for (auto& b : v) {
    inlines(b.inlines, page, doc_path, r);
    inlines(b.caption, page, doc_path, r);
    for (auto& row : b.rows)
      for (auto& cell : row) inlines(cell.content, page, doc_path, r);
    blocks(b.children, page, doc_path, r);
  }
}

void SiteLinks::inlines(std::vector<doc::Inline>& v, const PageScan& page, const std::string& doc_path, LinkReport& r) const {
  for (auto& in : v) {
    if (in.kind == doc::InlineKind::Link) link(in, page, doc_path, r);
    else if (in.kind == doc::InlineKind::CrossRef) cross_ref(in, page, doc_path, r);
    inlines(in.children, page, doc_path, r);
  }
}

void SiteLinks::link(doc::Inline& in, const PageScan& page, const std::string& doc_path, LinkReport& r) const {
  const std::string& target = in.target;
  if (target.empty() || is_external(target)) return;
  SourceLoc at{doc_path, in.pos.line, in.pos.col};
  auto hash = target.find('#');
  std::string path = target.substr(0, hash), anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  const PageScan* to = &page;
  if (!path.empty()) {
    fs::path rel = (fs::path(page.entry.path).parent_path() / path).lexically_normal();
    std::string key = rel.generic_string();
    if (rel.is_absolute() || key.empty() || key.starts_with("..")) {
      r.errors.push_back({Severity::Error, "the link `" + target + "` leads out of the site", at,
                          "link to pages and files inside " + project_.root.string()});
      return;
    }
    auto it = by_path_.find(key);
    if (it == by_path_.end() && std::find(generated_.begin(), generated_.end(), key) != generated_.end()) {
      in.target = relative_href(page.html, key) + (anchor.empty() ? "" : "#" + anchor);
      return;
    }
    if (it == by_path_.end()) {
      std::error_code ec;
      if (is_document_path(rel) || !fs::exists(project_.root / rel, ec)) {
        r.errors.push_back({Severity::Error, "broken link: `" + target + "` is " +
                                                 (fs::exists(project_.root / rel, ec) ? "not a page of the site"
                                                                                      : "no page or file of the site"),
                            at,
                            is_document_path(rel) ? "add it to pages: in waybill.yml, or fix the path"
                                                  : "paths are relative to the page: " + page.entry.path});
        return;
      }
      r.files.push_back(key);  // a data file or a download: copied beside the pages
      return;
    }
    to = it->second;
  }
  if (!anchor.empty() && !to->ids.count(anchor)) {
    std::string near = closest_match(anchor, std::vector<std::string>(to->ids.begin(), to->ids.end()));
    r.errors.push_back({Severity::Error, "broken link: `" + target + "`: " + to->entry.path + " has no `#" + anchor + "`",
                        at, near.empty() ? "link to a heading's id" : "did you mean `#" + near + "`?"});
    return;
  }
  if (!path.empty()) in.target = relative_href(page.html, to->html) + (anchor.empty() ? "" : "#" + anchor);
}

void SiteLinks::cross_ref(doc::Inline& in, const PageScan& page, const std::string& doc_path, LinkReport& r) const {
  if (page.labels.count(in.target)) return;  // the page's own: the writers number it
  SourceLoc at{doc_path, in.pos.line, in.pos.col};
  auto it = by_label_.find(in.target);
  if (it == by_label_.end()) {
    r.errors.push_back({Severity::Error, "unknown cross-reference `@" + in.target + "`: no page of the site defines it", at,
                        "label a heading, figure, table or equation `{#" + in.target + "}` (or a cell `#| label: " +
                            in.target + "`)"});
    return;
  }
  if (it->second.size() > 1) {
    r.errors.push_back({Severity::Error, "the cross-reference `@" + in.target + "` is ambiguous: " +
                                             it->second[0]->entry.path + " and " + it->second[1]->entry.path + " define it",
                        at, "give one of the targets another label"});
    return;
  }
  const PageScan& to = *it->second.front();
  const render::RefTarget& t = to.labels.at(in.target);
  std::string text = t.kind == render::RefKind::Section
                         ? (t.number.empty() ? t.title : "Section\u00a0" + t.number)
                         : std::string(in.narrative ? std::string(render::ref_kind_name(t.kind)) + "\u00a0" : "") + t.number;
  text += " (" + to.title + ")";
  const std::string label = in.target;
  r.refs[label] = to.html + "#" + label + ": " + text;
  doc::Pos pos = in.pos;
  in = doc::Inline{};
  in.kind = doc::InlineKind::Link;
  in.target = relative_href(page.html, to.html) + "#" + label;
  in.pos = pos;
  in.children.push_back(text_inline(text, pos));
}

}  // namespace waybill::site
