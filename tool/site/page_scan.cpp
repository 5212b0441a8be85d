#include "site/page_scan.hpp"

#include "doc/reader.hpp"
#include "driver/prepare.hpp"
#include "util/strings.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

namespace {

// Collects ids and the text of sections, walking blocks in order.
class PageWalker {
 public:
  explicit PageWalker(PageScan& page) : page_(page) { page_.sections.push_back(SearchSection{}); }

  void blocks(const std::vector<doc::Block>& v) {
    for (const auto& b : v) block(b);
  }

 private:
  void add_text(const std::string& text) {
    std::string& out = page_.sections.back().text;
    if (trim(text).empty()) return;
    if (!out.empty()) out += ' ';
    out += collapse(text);
  }

  static std::string collapse(const std::string& text) {
    std::string out;
    bool space = false;
    for (char c : text) {
      if (c == '\n' || c == '\t' || c == ' ' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += c;
    }
    return out;
  }

  void block(const doc::Block& b) {
    if (!b.attr.id.empty()) page_.ids.insert(b.attr.id);
    switch (b.kind) {
      case doc::BlockKind::Heading:
        if (b.level <= 3) {
          page_.sections.push_back(SearchSection{doc::plain_text(b.inlines), b.attr.id, {}});
        } else {
          add_text(doc::plain_text(b.inlines));
        }
        return;
      case doc::BlockKind::Paragraph: add_text(doc::plain_text(b.inlines)); return;
      case doc::BlockKind::CodeBlock: add_text(b.text); return;
      case doc::BlockKind::Table:
        for (const auto& row : b.rows)
          for (const auto& cell : row) add_text(doc::plain_text(cell.content));
        add_text(doc::plain_text(b.caption));
        return;
      case doc::BlockKind::Figure:
        add_text(doc::plain_text(b.caption));
        return;
      case doc::BlockKind::Cell: {
        const doc::Cell& c = page_.doc.cells[b.ref];
        if (!c.options.label.empty()) page_.ids.insert(c.options.label);
        if (c.options.echo) add_text(c.code);
        add_text(c.options.fig_cap);
        return;
      }
      case doc::BlockKind::Callout: add_text(doc::plain_text(b.caption)); break;
      default: break;
    }
    blocks(b.children);
  }

  PageScan& page_;
};

}  // namespace

std::string html_path(const std::string& page_path) {
  return fs::path(page_path).replace_extension(".html").generic_string();
}

std::string page_href(const std::string& relative) {
  // `javascript:alert(1).html` is a URL with a scheme, not a relative path: a page may
  // have any file name, so a first segment with a colon gets "./" before it.
  size_t colon = relative.find(':'), slash = relative.find('/');
  return colon != std::string::npos && colon < slash ? "./" + relative : relative;
}

std::string relative_href(const std::string& from, const std::string& to) {
  fs::path dir = fs::path(from).parent_path();
  return page_href(fs::path(to).lexically_relative(dir.empty() ? fs::path(".") : dir).generic_string());
}

driver::PageContext reading_context(const Project& project) {
  driver::PageContext context;
  context.project = project.root;
  if (project.front_matter.is_map()) context.front_matter = &project.front_matter;
  context.defaults = project.plan_defaults();
  return context;
}

PageScan scan_page(const Project& project, const PageEntry& entry, Reporter& reporter) {
  PageScan page;
  page.entry = entry;
  page.html = html_path(entry.path);
  driver::PageContext context = reading_context(project);
  driver::PreparedDocument prepared = driver::prepare(project.page_file(entry), &context, plan::Grants{}, reporter);
  page.doc = std::move(prepared.doc);
  page.plan = std::move(prepared.plan);
  page.title = page.doc.meta.title.empty() ? fs::path(entry.path).stem().string() : doc::plain_text(page.doc.meta.title);
  page.labels = render::CrossRefs::build(page.doc).all();
  for (const auto& [label, target] : page.labels) page.ids.insert(label);
  PageWalker(page).blocks(page.doc.blocks);
  if (page.sections.front().heading.empty()) page.sections.front().heading = page.title;
  return page;
}

}  // namespace waybill::site
