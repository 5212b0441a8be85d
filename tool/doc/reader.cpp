#include "doc/reader.hpp"

#include <map>
#include <set>

#include "doc/attr.hpp"
#include "doc/front_matter.hpp"
#include "doc/input_formats.hpp"
#include "doc/includes.hpp"
#include "doc/markdown.hpp"
#include "doc/notebook.hpp"
#include "doc/unsupported.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

std::string plain_text(const std::vector<Inline>& inlines) {
  std::string out;
  for (const auto& in : inlines) {
    switch (in.kind) {
      case InlineKind::Text:
      case InlineKind::Code:
      case InlineKind::Math:
      case InlineKind::DisplayMath: out += in.text; break;
      case InlineKind::SoftBreak:
      case InlineKind::LineBreak: out += ' '; break;
      case InlineKind::InlineCell: out += in.text; break;
      case InlineKind::CrossRef: out += in.target; break;
      case InlineKind::Citation:
        for (const auto& c : in.cites) out += c.key;
        break;
      default: out += plain_text(in.children); break;
    }
  }
  return out;
}

namespace {

// Ids are the targets of links and cross-references, so they must be unique: explicit
// ones (headings, figures, tables, equations, divs, cell labels) are checked, and
// headings without one get a GitHub-style slug that avoids every id taken.
class IdAssigner {
 public:
  IdAssigner(Document& doc) : doc_(doc) {}

  void run() {
    // Ids the page itself uses: a heading "Footnotes" must not become a second
    // id="footnotes".
    for (const char* id : {"footnotes", "refs", "content", "title-block-header", "toc-title", "provenance", "pages",
                           "site-search-input", "site-search-results", "env-manifest"})
      page_ids_.insert(id);
    for (auto& b : doc_.blocks) collect(b);
    for (auto& b : doc_.blocks) assign(b);
  }

 private:
  void claim(const std::string& id, Pos pos, const char* what) {
    if (page_ids_.count(id))
      throw Error(ErrorKind::Document, std::string("the ") + what + " `" + id + "` is an id the page itself uses",
                  doc_.loc(pos), "choose another name, e.g. `" + id + "-1`");
    auto [it, fresh] = taken_.emplace(id, pos);
    if (fresh) return;
    throw Error(ErrorKind::Document, std::string("duplicate ") + what + " `" + id + "`", doc_.loc(pos),
                "`" + id + "` is already used at line " + std::to_string(it->second.line) + "; labels must be unique");
  }

  void collect(Block& b) {
    if (b.kind == BlockKind::Cell) {
      const Cell& c = doc_.cells[b.ref];
      if (!c.options.label.empty()) {
        auto it = c.options.where.find("label");
        claim(c.options.label, it != c.options.where.end() ? it->second : c.fence, "cell label");
      }
    } else if (!b.attr.id.empty()) {
      claim(b.attr.id, b.pos, b.kind == BlockKind::Heading ? "section id" : "id");
    }
    for (auto& c : b.children) collect(c);
  }

  void assign(Block& b) {
    if (b.kind == BlockKind::Heading && b.attr.id.empty()) {
      std::string base = slugify(plain_text(b.inlines));
      if (base.empty()) base = "section";
      std::string id = base;
      for (int n = 1; taken_.count(id) || page_ids_.count(id); ++n) id = base + "-" + std::to_string(n);
      taken_.emplace(id, b.pos);
      b.attr.id = id;
    }
    for (auto& c : b.children) assign(c);
  }

  Document& doc_;
  std::map<std::string, Pos> taken_;
  std::set<std::string> page_ids_;
};

void check_images(const Document& doc) {
  std::map<std::string, int> seen;
  for (const auto& img : doc.images) {
    if (img.name.empty() && doc.images.size() > 1) {
      throw Error(ErrorKind::Document,
                  "this document has " + std::to_string(doc.images.size()) + " Dockerfile blocks, so each needs a name",
                  doc.loc(img.fence), "name it in the fence: ```dockerfile {#analysis}");
    }
    auto [it, fresh] = seen.emplace(img.name, img.fence.line);
    if (!fresh) {
      throw Error(ErrorKind::Document, "duplicate image name `" + img.name + "`", doc.loc(img.fence),
                  "an image of that name is defined at line " + std::to_string(it->second) + "; rename one");
    }
  }
}

}  // namespace

Document parse_document(std::string path, std::string source, Reporter& reporter, const MetaValue* defaults) {
  // A document is prose and code: a bound on its size bounds what reading it costs the
  // host (its tree is some twenty times the text).
  if (source.size() > kMaxDocumentBytes)
    throw Error(ErrorKind::Document,
                "the document is " + std::to_string(source.size() >> 20) + " MiB; waybill reads documents of up to " +
                    std::to_string(kMaxDocumentBytes >> 20) + " MiB",
                SourceLoc{path, 0, 0}, "keep data in files the cells read (the manifest's inputs), not in the text");
  Document doc;
  doc.path = std::move(path);
  if (source.starts_with("\xEF\xBB\xBF")) source.erase(0, 3);  // a UTF-8 byte order mark
  doc.source = std::move(source);

  FrontMatterSplit split = split_front_matter(doc.source);
  if (!split.present && doc.source.starts_with("---") && trim_right(split_lines(doc.source).front()) == "---" &&
      split_lines(doc.source).size() > 1 && !is_blank(split_lines(doc.source)[1])) {
    reporter.warn("the first line opens front matter, but no closing `---` follows; it is read as Markdown",
                  SourceLoc{doc.path, 1, 1}, "close the front matter with a line of `---`");
  }
  // The same warning at many places (a knitr option on every chunk) is said once.
  GroupingReporter grouped(reporter);
  read_metadata(doc, split, grouped, defaults);
  read_markdown_body(doc, split.lines, grouped);
  report_unsupported_markup(doc, grouped);
  check_images(doc);
  IdAssigner(doc).run();
  return doc;
}

Document read_document(const std::filesystem::path& file, Reporter& reporter, std::string display,
                       const MetaValue* defaults, const PathRoots* roots) {
  if (display.empty()) display = file.string();
  std::string text;
  try {
    text = read_file(file);
  } catch (Error& e) {
    e.with_hint(std::string("check the path; waybill reads ") + kDocumentKinds + " files");
    throw;
  }
  if (is_notebook_path(file)) return parse_notebook(std::move(display), std::move(text), reporter, defaults);
  if (text.find("{{<") != std::string::npos) {
    std::filesystem::path dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    PathRoots beneath = roots ? *roots : PathRoots::of(dir, {}, false);
    ExpandedText x = expand_includes(text, display, dir, beneath);
    // The record's digest and a page's key then cover the parts too.
    if (!x.parts.empty()) return parse_mapped(display, std::move(x.text), x.origins, reporter, defaults);
  }
  return parse_document(std::move(display), std::move(text), reporter, defaults);
}

}  // namespace waybill::doc
