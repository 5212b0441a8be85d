#include "doc/front_matter.hpp"

#include <algorithm>

#include "doc/markdown.hpp"
#include "doc/output_format.hpp"
#include "doc/unsupported.hpp"
#include "doc/yaml_meta.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

FrontMatterSplit split_front_matter(std::string_view source) {
  FrontMatterSplit out;
  auto lines = split_lines(source);
  if (lines.empty() || trim_right(lines[0]) != "---") return out;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view l = trim_right(lines[i]);
    if (l == "---" || l == "...") {
      out.present = true;
      out.lines = static_cast<int>(i) + 1;
      out.yaml_first_line = 2;
      for (size_t k = 1; k < i; ++k) {
        out.yaml.append(lines[k]);
        out.yaml += '\n';
      }
      return out;
    }
  }
  return out;
}

namespace {

class MetadataReader {
 public:
  MetadataReader(Document& doc, Reporter& rep) : doc_(doc), meta_(doc.meta), rep_(rep) {}

  void read() {
    const MetaValue& raw = meta_.raw;
    for (const auto& [key, v] : raw.map) read_key(key, v);
  }

 private:
  SourceLoc at(const MetaValue& v) const { return doc_.loc(v.pos); }

  [[noreturn]] void wrong(const std::string& key, const MetaValue& v, const std::string& expected,
                          const std::string& example) const {
    throw Error(ErrorKind::Document, "front matter key `" + key + "` must be " + expected + ", not " + describe_kind(v),
                at(v), "write it as `" + example + "`");
  }

  std::string text(const std::string& key, const MetaValue& v) const {
    if (!v.is_scalar()) wrong(key, v, "text", key + ": \"...\"");
    return v.scalar;
  }

  bool boolean(const std::string& key, const MetaValue& v) const {
    auto b = v.as_bool();
    if (!b) wrong(key, v, "true or false", key + ": true");
    return *b;
  }

  int depth(const std::string& key, const MetaValue& v) const {
    auto n = v.as_number();
    if (!n || *n < 1 || *n > 6 || *n != static_cast<int>(*n)) wrong(key, v, "a number from 1 to 6", key + ": 3");
    return static_cast<int>(*n);
  }

  std::vector<Inline> md_inlines(const MetaValue& v) { return read_markdown_inlines(v.scalar, doc_.path, rep_); }

  void read_key(const std::string& key, const MetaValue& v) {
    if (v.is_null()) return;
    if (key == "title") meta_.title = md_inlines(check_text(key, v));
    else if (key == "subtitle") meta_.subtitle = md_inlines(check_text(key, v));
    else if (key == "date") meta_.date = md_inlines(check_text(key, v));
    else if (key == "abstract") meta_.abstract = read_markdown_blocks(text(key, v), doc_.path, rep_);
    else if (key == "author" || key == "authors") read_authors(key, v);
    else if (key == "keywords") meta_.keywords = words(key, v, ',');
    else if (key == "tags") meta_.tags = words(key, v, ' ');
    else if (key == "lang") meta_.lang = text(key, v);
    else if (key == "bibliography") {
      meta_.bibliography = v.as_string_list();
      meta_.bibliography_pos = v.pos;
      if (meta_.bibliography.empty()) wrong(key, v, "a file name or a list of them", "bibliography: refs.bib");
    } else if (key == "layout") meta_.layout = text(key, v);
    else if (key == "permalink") meta_.permalink = text(key, v);
    else if (key == "author_profile") meta_.author_profile = boolean(key, v);
    else if (key == "format" || key == "output") read_formats(key, v);
    else if (key == "waybill") {
      if (!v.is_map()) wrong(key, v, "a mapping of waybill settings", "waybill: {image: env}");
    } else if (key == "execute") {
      // Cell options for every cell of the document (Quarto's `execute:`); fences.cpp applies them.
      if (!v.is_map()) wrong(key, v, "a mapping of cell options", "execute: {echo: false, warning: false}");
    } else if (!read_format_option(meta_.common, key, v)) {
      unimplemented(key, v);
    }
  }

  // Keys of Quarto, R Markdown or pandoc that waybill does not implement; other keys
  // are the author's, for templates.
  void unimplemented(const std::string& key, const MetaValue& v, const std::string& format = {}) const {
    auto instead = unimplemented_front_matter_key(key);
    if (!instead) return;
    rep_.warn("front matter key `" + (format.empty() ? key : "format: " + format + ": " + key) + "` is not supported yet: " + *instead,
              at(v), "waybill reads the keys its documentation lists (document-format.md); others reach templates only");
  }

  const MetaValue& check_text(const std::string& key, const MetaValue& v) const {
    if (!v.is_scalar()) wrong(key, v, "text", key + ": \"...\"");
    return v;
  }

  std::vector<std::string> words(const std::string& key, const MetaValue& v, char sep) const {
    if (v.is_list()) {
      std::vector<std::string> out;
      for (const auto& item : v.list) out.push_back(text(key, item));
      return out;
    }
    std::vector<std::string> out;
    const std::string all = text(key, v);
    for (auto w : split(all, sep))
      if (!is_blank(w)) out.emplace_back(trim(w));
    return out;
  }

  // Options allowed at the top level and under a format; returns whether `key` is one.
  bool read_format_option(FormatOptions& o, const std::string& key, const MetaValue& v) const {
    if (key == "toc") o.toc = boolean(key, v);
    else if (key == "toc-depth" || key == "toc_depth") o.toc_depth = depth(key, v);
    else if (key == "number-sections" || key == "number_sections") o.number_sections = boolean(key, v);
    else if (key == "template") o.template_path = text(key, v);
    else if (key == "self-contained" || key == "self_contained" || key == "embed-resources") o.self_contained = boolean(key, v);
    else return false;
    return true;
  }

  Author author_from_map(const std::string& key, const MetaValue& v) const {
    Author a;
    for (const auto& [k, item] : v.map) {
      if (item.is_null()) continue;
      if (k == "name") a.name = item.is_map() && item.get("literal") ? item.get("literal")->scalar : text(k, item);
      else if (k == "email") a.email = text(k, item);
      else if (k == "orcid") a.orcid = text(k, item);
      else if (k == "affiliation" || k == "affiliations") {
        const std::vector<MetaValue> single{item};
        for (const auto& aff : item.is_list() ? item.list : single) {
          if (aff.is_map() && aff.get("name")) a.affiliations.push_back(aff.get("name")->as_text());
          else if (aff.is_scalar()) a.affiliations.push_back(aff.scalar);
        }
      }
    }
    if (a.name.empty()) wrong(key, v, "an author with a `name`", "author: [{name: Ada Lovelace, affiliation: ...}]");
    return a;
  }

  void read_authors(const std::string& key, const MetaValue& v) {
    if (v.is_scalar()) {
      meta_.authors.push_back(Author{v.scalar, {}, {}, {}});
    } else if (v.is_map()) {
      meta_.authors.push_back(author_from_map(key, v));
    } else {
      for (const auto& item : v.list) {
        if (item.is_scalar()) meta_.authors.push_back(Author{item.scalar, {}, {}, {}});
        else if (item.is_map()) meta_.authors.push_back(author_from_map(key, item));
        else wrong(key, item, "a name or a mapping with a `name`", "author: Ada Lovelace");
      }
    }
  }

  // Quarto's `format: html` / `format: {html: {...}, pdf: default}` and R Markdown's
  // `output: html_document` / `output: {pdf_document: {...}}`.
  void read_formats(const std::string& key, const MetaValue& v) {
    auto add = [&](const std::string& name, const MetaValue* opts, const MetaValue& where) {
      const OutputFormat* format = format_in_name(name);
      if (!format) {
        rep_.warn("output format `" + name + "` is not supported; it is skipped", at(where),
                  "waybill writes " + format_names());
        return;
      }
      std::string f(format->name);
      if (std::find(meta_.formats.begin(), meta_.formats.end(), f) == meta_.formats.end()) meta_.formats.push_back(f);
      if (!opts || !opts->is_map()) return;
      FormatOptions& fo = meta_.per_format[f];
      for (const auto& [k, item] : opts->map) {
        if (item.is_null()) continue;
        if (!read_format_option(fo, k, item)) unimplemented(k, item, name);  // others are for templates
      }
    };
    if (v.is_scalar()) add(v.scalar, nullptr, v);
    else if (v.is_list()) {
      for (const auto& item : v.list) add(text(key, item), nullptr, item);
    } else {
      for (const auto& [name, opts] : v.map) add(name, &opts, opts);
    }
  }

  Document& doc_;
  Metadata& meta_;
  Reporter& rep_;
};

}  // namespace

namespace {

// `over` on top of `under`: maps merge key by key (recursively), anything else replaces.
MetaValue merged(const MetaValue& under, MetaValue over) {
  if (!under.is_map() || !over.is_map()) return over;
  MetaValue out = under;
  for (auto& [key, value] : over.map) {
    if (MetaValue* existing = out.get(key)) *existing = merged(*existing, std::move(value));
    else out.map.emplace_back(key, std::move(value));
  }
  out.pos = over.pos;
  return out;
}

}  // namespace

void read_metadata(Document& doc, const FrontMatterSplit& split, Reporter& reporter, const MetaValue* defaults) {
  MetaValue raw;
  if (split.present) {
    doc.meta.present = true;
    doc.meta.first_line = 1;
    doc.meta.last_line = split.lines;
    raw = parse_yaml(split.yaml, YamlOrigin{doc.path, "front matter", split.yaml_first_line, 0});
    if (!raw.is_null() && !raw.is_map()) {
      throw Error(ErrorKind::Document, "the front matter must be a mapping of `key: value` lines, not " + describe_kind(raw),
                  doc.loc(raw.pos), "write e.g. `title: My paper`");
    }
  }
  if (defaults && defaults->is_map()) raw = raw.is_null() ? *defaults : merged(*defaults, std::move(raw));
  if (raw.is_null()) return;
  doc.meta.raw = std::move(raw);
  MetadataReader(doc, reporter).read();
}

FormatOptions Metadata::options_for(const std::string& format) const {
  FormatOptions o = common;
  auto apply = [&](const std::string& key) {
    auto it = per_format.find(key);
    if (it == per_format.end()) return;
    const FormatOptions& f = it->second;
    if (f.toc) o.toc = f.toc;
    if (f.toc_depth) o.toc_depth = f.toc_depth;
    if (f.number_sections) o.number_sections = f.number_sections;
    if (f.template_path) o.template_path = f.template_path;
    if (f.self_contained) o.self_contained = f.self_contained;
  };
  // PDF is made from LaTeX: settings under either apply to both, its own winning.
  if (format == "pdf") apply("latex");
  if (format == "latex") apply("pdf");
  apply(format);
  return o;
}

}  // namespace waybill::doc
