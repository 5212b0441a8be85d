#include "render/bibliography.hpp"

#include <algorithm>
#include <set>

#include "render/tex_text.hpp"
#include "util/error.hpp"
#include "util/project_paths.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::render {

using doc::Inline;
using doc::InlineKind;

namespace {

Inline text(std::string s) {
  Inline in;
  in.kind = InlineKind::Text;
  in.text = std::move(s);
  return in;
}

Inline emph(std::string s) {
  Inline in;
  in.kind = InlineKind::Emph;
  in.children.push_back(text(std::move(s)));
  return in;
}

Inline link(std::string url, std::vector<Inline> children) {
  Inline in;
  in.kind = InlineKind::Link;
  in.target = std::move(url);
  in.children = std::move(children);
  return in;
}

std::string field_text(const BibEntry& e, const char* name) {
  const std::string* v = e.field(name);
  return v ? std::string(trim(tex_to_text(*v))) : std::string();
}

std::string full_name(const PersonName& n, bool inverted) {
  std::string last = tex_to_text(n.von.empty() ? n.last : n.von + " " + n.last);
  std::string first = tex_to_text(n.first);
  std::string jr = tex_to_text(n.jr);
  if (inverted) {
    std::string s = last;
    if (!first.empty()) s += ", " + first;
    if (!jr.empty()) s += ", " + jr;
    return s;
  }
  std::string s = first.empty() ? last : first + " " + last;
  if (!jr.empty()) s += ", " + jr;
  return s;
}

std::string year_of(const BibEntry& e) {
  std::string y = field_text(e, "year");
  if (y.empty()) {
    std::string d = field_text(e, "date");
    if (d.size() >= 4) y = d.substr(0, 4);
  }
  return y.empty() ? "n.d." : y;
}

// Ends a piece with a period unless it already ends in punctuation.
std::string sentence(std::string s) {
  if (s.empty()) return s;
  char last = s.back();
  if (last != '.' && last != '?' && last != '!') s += '.';
  return s;
}

}  // namespace

void Bibliography::load(const doc::Document& doc, const fs::path& doc_dir, const PathRoots& roots,
                        Reporter& reporter) {
  for (const std::string& name : doc.meta.bibliography) {
    fs::path p = fs::path(name).is_absolute() ? fs::path(name) : doc_dir / name;
    std::optional<std::string> content;
    try {
      // Beneath the project only: a stranger's document may not read the host.
      content = read_project_file(roots, doc_dir, name, "the bibliography", doc.loc(doc.meta.bibliography_pos));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Io) throw;
    }
    if (!content) {
      reporter.warn("bibliography file `" + name + "` not found", doc.loc(doc.meta.bibliography_pos),
                    "citations to it are shown as [?key]; the path is relative to the document");
      continue;
    }
    files_.push_back(p);
    for (BibEntry& e : parse_bibtex(*content, display_path(p))) {
      std::string key = e.key;
      Entry entry;
      entry.bib = std::move(e);
      entries_.insert_or_assign(key, std::move(entry));
    }
  }
  finish_entries();
}

void Bibliography::finish_entries() {
  for (auto& entry : entries_) {
    const std::string& key = entry.first;
    auto& e = entry.second;  // a reference, not a binding: lambdas below capture it
    const std::string* names = e.bib.field("author");
    if (!names) {
      names = e.bib.field("editor");
      e.editors = names != nullptr;
    }
    if (names) e.authors = split_names(*names);
    auto last = [&](size_t i) { return tex_to_text(e.authors[i].von.empty() ? e.authors[i].last : e.authors[i].von + " " + e.authors[i].last); };
    bool others = !e.authors.empty() && e.authors.back().last == "others";
    size_t n = e.authors.size() - (others ? 1 : 0);
    if (n == 0) {
      std::string t = field_text(e.bib, "title");
      e.label = t.empty() ? key : t;
    } else if (n == 1 && !others) {
      e.label = last(0);
    } else if (n == 2 && !others) {
      e.label = last(0) + " and " + last(1);
    } else {
      e.label = last(0) + " et al.";
    }
    e.year = year_of(e.bib);
    e.sort_key = to_lower(e.label) + "\x1f" + e.year + "\x1f" + to_lower(field_text(e.bib, "title"));
  }
  // "Doe 2020a", "Doe 2020b": the same label and year for different works.
  std::map<std::string, std::vector<Entry*>> groups;
  for (auto& [key, e] : entries_) groups[e.label + "\x1f" + e.year].push_back(&e);
  for (auto& [k, group] : groups) {
    if (group.size() < 2) continue;
    std::sort(group.begin(), group.end(), [](const Entry* a, const Entry* b) { return a->sort_key < b->sort_key; });
    for (size_t i = 0; i < group.size() && i < 26; ++i) group[i]->year += static_cast<char>('a' + i);
  }
}

void Bibliography::collect_citations(const doc::Document& doc, Reporter& reporter) {
  collect(doc.blocks, doc, reporter);
  for (const auto& fn : doc.footnotes) collect(fn, doc, reporter);
}

void Bibliography::collect(const std::vector<doc::Block>& blocks, const doc::Document& doc, Reporter& reporter) {
  for (const auto& b : blocks) {
    collect(b.inlines, doc, reporter);
    collect(b.caption, doc, reporter);
    for (const auto& row : b.rows)
      for (const auto& cell : row) collect(cell.content, doc, reporter);
    collect(b.children, doc, reporter);
  }
}

void Bibliography::collect(const std::vector<Inline>& inlines, const doc::Document& doc, Reporter& reporter) {
  for (const auto& in : inlines) {
    if (in.kind == InlineKind::Citation) {
      for (const auto& c : in.cites) {
        if (!has(c.key)) {
          reporter.warn("citation key `" + c.key + "` is not in the bibliography", doc.loc(c.pos),
                        doc.meta.bibliography.empty() ? "add `bibliography: refs.bib` to the front matter"
                                                      : "check the key against the .bib file");
          continue;
        }
        if (std::find(cited_.begin(), cited_.end(), c.key) == cited_.end()) cited_.push_back(c.key);
      }
    }
    collect(in.children, doc, reporter);
  }
}

std::vector<Inline> Bibliography::cite(const Inline& citation) const {
  std::vector<Inline> out;
  bool all_unknown = true;
  for (const auto& c : citation.cites) all_unknown = all_unknown && !has(c.key);
  if (all_unknown) {
    std::string s = "[";
    for (size_t i = 0; i < citation.cites.size(); ++i) s += (i ? "; ?" : "?") + citation.cites[i].key;
    out.push_back(text(s + "]"));
    return out;
  }
  if (citation.narrative) {
    const auto& c = citation.cites.front();
    const Entry& e = entries_.at(c.key);
    std::string s = e.label + " (" + e.year + (c.suffix.empty() ? "" : ", " + c.suffix) + ")";
    out.push_back(link("#ref-" + c.key, {text(s)}));
    return out;
  }
  out.push_back(text("("));
  for (size_t i = 0; i < citation.cites.size(); ++i) {
    const auto& c = citation.cites[i];
    if (i) out.push_back(text("; "));
    if (!c.prefix.empty()) out.push_back(text(c.prefix + " "));
    if (!has(c.key)) {
      out.push_back(text("?" + c.key));
    } else {
      const Entry& e = entries_.at(c.key);
      out.push_back(link("#ref-" + c.key, {text(c.suppress_author ? e.year : e.label + " " + e.year)}));
    }
    if (!c.suffix.empty()) out.push_back(text(", " + c.suffix));
  }
  out.push_back(text(")"));
  return out;
}

std::vector<Bibliography::Reference> Bibliography::references() const {
  std::vector<const Entry*> list;
  for (const auto& key : cited_) list.push_back(&entries_.at(key));
  std::sort(list.begin(), list.end(), [](const Entry* a, const Entry* b) { return a->sort_key < b->sort_key; });
  std::vector<Reference> out;
  for (const Entry* e : list) out.push_back(Reference{e->bib.key, format_reference(*e)});
  return out;
}

std::vector<Inline> Bibliography::format_reference(const Entry& e) const {
  const BibEntry& b = e.bib;
  std::vector<Inline> out;
  // Authors: "Doe, Jane, John Roe, and Ann Poe."
  std::string names;
  bool others = !e.authors.empty() && e.authors.back().last == "others";
  size_t n = e.authors.size() - (others ? 1 : 0);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) names += (i + 1 == n && !others) ? ", and " : ", ";
    names += full_name(e.authors[i], i == 0);
  }
  if (others) names += ", et al";
  if (e.editors) names += n > 1 ? ", eds" : ", ed";
  if (!names.empty()) out.push_back(text(sentence(names) + " "));
  out.push_back(text(e.year + ". "));

  std::string title = field_text(b, "title");
  const std::string& t = b.type;
  bool container = t == "article" || t == "inproceedings" || t == "incollection" || t == "conference" ||
                   t == "inbook" || t == "phdthesis" || t == "mastersthesis" || t == "techreport" || t == "misc" ||
                   t == "online" || t == "unpublished";
  if (!title.empty()) {
    if (container) out.push_back(text("“" + sentence(title) + "” "));
    else {
      out.push_back(emph(title));
      out.push_back(text(". "));
    }
  }
  std::string rest;
  auto add = [&](const std::string& s) {
    if (!s.empty()) rest += (rest.empty() ? "" : ", ") + s;
  };
  if (t == "article") {
    std::string journal = field_text(b, "journal");
    if (journal.empty()) journal = field_text(b, "journaltitle");
    if (!journal.empty()) out.push_back(emph(journal));
    std::string vol = field_text(b, "volume"), num = field_text(b, "number"), pages = field_text(b, "pages");
    std::string tail;
    if (!vol.empty()) tail += " " + vol;
    if (!num.empty()) tail += " (" + num + ")";
    if (!pages.empty()) tail += (vol.empty() && num.empty() ? ", " : ": ") + pages;
    out.push_back(text(tail + ". "));
  } else if (t == "inproceedings" || t == "incollection" || t == "conference" || t == "inbook") {
    std::string book = field_text(b, "booktitle");
    if (!book.empty()) {
      out.push_back(text("In "));
      out.push_back(emph(book));
    }
    std::string pages = field_text(b, "pages");
    std::string tail = pages.empty() ? "" : ", " + pages;
    out.push_back(text(tail + ". "));
    add(field_text(b, "address"));
    add(field_text(b, "publisher"));
  } else if (t == "phdthesis" || t == "mastersthesis") {
    add(t == "phdthesis" ? "PhD thesis" : "Master’s thesis");
    add(field_text(b, "school"));
  } else if (t == "techreport") {
    std::string type = field_text(b, "type");
    std::string num = field_text(b, "number");
    add((type.empty() ? std::string("Technical report") : type) + (num.empty() ? "" : " " + num));
    add(field_text(b, "institution"));
  } else {
    std::string edition = field_text(b, "edition");
    if (!edition.empty()) add(edition + " ed");
    add(field_text(b, "howpublished"));
    add(field_text(b, "organization"));
    std::string where = field_text(b, "address");
    std::string pub = field_text(b, "publisher");
    if (!where.empty() && !pub.empty()) add(where + ": " + pub);
    else add(where.empty() ? pub : where);
  }
  add(field_text(b, "note"));
  if (!rest.empty()) out.push_back(text(sentence(rest) + " "));
  std::string doi = field_text(b, "doi");
  std::string url = b.field("url") ? std::string(trim(*b.field("url"))) : std::string();
  if (!doi.empty()) {
    std::string u = doi.starts_with("http") ? doi : "https://doi.org/" + doi;
    out.push_back(link(u, {text(u)}));
    out.push_back(text("."));
  } else if (!url.empty()) {
    out.push_back(link(url, {text(url)}));
    out.push_back(text("."));
  }
  while (!out.empty() && out.back().kind == InlineKind::Text) {
    std::string& s = out.back().text;
    s = std::string(trim_right(s));
    if (!s.empty()) break;
    out.pop_back();
  }
  return out;
}

}  // namespace waybill::render
