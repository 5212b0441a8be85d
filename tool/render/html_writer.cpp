#include "render/html_writer.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <regex>

#include "doc/markdown.hpp"
#include "doc/reader.hpp"
#include "util/strings.hpp"

namespace waybill::render {

using doc::Block;
using doc::BlockKind;
using doc::Inline;

std::string HtmlWriter::escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size() + 8);
  escape_into(out, s, attribute);
  return out;
}

namespace {

// SWAR: whether any byte of `v` equals the byte repeated in `pattern`.
inline uint64_t has_byte(uint64_t v, uint64_t pattern) {
  uint64_t x = v ^ pattern;
  return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

}  // namespace

void HtmlWriter::escape_into(std::string& out, std::string_view s, bool attribute) {
  // Most text has nothing to escape: look at eight bytes at a time for the four special
  // ones, and copy the runs between them whole.
  constexpr uint64_t amp = 0x2626262626262626ULL, lt = 0x3C3C3C3C3C3C3C3CULL, gt = 0x3E3E3E3E3E3E3E3EULL,
                     quot = 0x2222222222222222ULL;
  size_t run = 0, i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      if (!(has_byte(v, amp) | has_byte(v, lt) | has_byte(v, gt) | (attribute ? has_byte(v, quot) : 0))) {
        i += 8;
        continue;
      }
    }
    char c = s[i];
    const char* rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' && attribute ? "&quot;" : nullptr;
    if (rep) {
      out.append(s.substr(run, i - run));
      out.append(rep);
      run = i + 1;
    }
    ++i;
  }
  out.append(s.substr(run));
}

void HtmlWriter::attrs(const doc::Attr& a, const std::string& extra_class) {
  if (!a.id.empty()) raw(" id=\"" + escape(a.id, true) + "\"");
  std::string classes = extra_class;
  for (const auto& c : a.classes) classes += (classes.empty() ? "" : " ") + c;
  if (!classes.empty()) raw(" class=\"" + escape(classes, true) + "\"");
  for (const auto& [k, v] : a.kv) {
    if (k == "width" || k == "height") continue;  // images and figures use these as style
    raw(" data-" + escape(k, true) + "=\"" + escape(v, true) + "\"");
  }
}

void HtmlWriter::highlighted(const std::string& code, const std::string& language, const std::string& extra_class) {
  std::vector<Token> tokens = ctx_.highlighter.highlight(code, language);
  while (!tokens.empty() && tokens.back().text == "\n") tokens.pop_back();
  std::string cls = "sourceCode";
  if (!language.empty()) cls += " " + language;
  if (!extra_class.empty()) cls += " " + extra_class;
  raw("<pre class=\"" + escape(cls, true) + "\"><code");
  if (!language.empty()) raw(" class=\"language-" + escape(language, true) + "\"");
  raw(">");
  for (const auto& t : tokens) {
    if (t.cls.empty()) raw(escape(t.text));
    else raw("<span class=\"" + t.cls + "\">" + escape(t.text) + "</span>");
  }
  raw("</code></pre>\n");
}

void HtmlWriter::paragraph(const Block& b) {
  raw("<p>");
  inlines(b.inlines);
  raw("</p>\n");
}

void HtmlWriter::heading(const Block& b, const std::string& number) {
  std::string tag = "h" + std::to_string(std::clamp(b.level, 1, 6));
  raw("<" + tag);
  attrs(b.attr);
  raw(">");
  if (ctx_.options.number_sections && !number.empty())
    raw("<span class=\"header-section-number\">" + number + "</span> ");
  inlines(b.inlines);
  raw(" <a class=\"anchor\" href=\"#" + escape(b.attr.id, true) + "\" aria-label=\"Link to this section\">#</a>");
  raw("</" + tag + ">\n");
}

void HtmlWriter::block_quote(const Block& b) {
  raw("<blockquote>\n");
  blocks(b.children);
  raw("</blockquote>\n");
}

void HtmlWriter::list(const Block& b) {
  bool ordered = b.kind == BlockKind::OrderedList;
  raw(ordered ? "<ol" : "<ul");
  if (ordered && b.start != 1) raw(" start=\"" + std::to_string(b.start) + "\"");
  bool tasks = false;
  for (const auto& item : b.children) tasks = tasks || item.task != doc::TaskState::None;
  if (tasks) raw(" class=\"task-list\"");
  raw(">\n");
  for (const auto& item : b.children) {
    raw(item.task != doc::TaskState::None ? "<li class=\"task-list-item\">" : "<li>");
    if (item.task != doc::TaskState::None)
      raw(item.task == doc::TaskState::Done ? "<input type=\"checkbox\" disabled checked> "
                                            : "<input type=\"checkbox\" disabled> ");
    for (size_t i = 0; i < item.children.size(); ++i) {
      const Block& child = item.children[i];
      if (b.tight && child.kind == BlockKind::Paragraph) {
        inlines(child.inlines);
        if (i + 1 < item.children.size()) raw("\n");
      } else {
        if (i == 0) raw("\n");
        block(child);
      }
    }
    raw("</li>\n");
  }
  raw(ordered ? "</ol>\n" : "</ul>\n");
}

void HtmlWriter::code_block(const Block& b) {
  if (!b.attr.id.empty()) raw("<div id=\"" + escape(b.attr.id, true) + "\" class=\"listing\">");
  highlighted(b.text, b.info);
  if (!b.attr.id.empty()) raw("</div>\n");
}

void HtmlWriter::html_block(const Block& b) { raw(b.text); }

void HtmlWriter::thematic_break() { raw("<hr>\n"); }

void HtmlWriter::table(const Block& b, const std::string& number) {
  raw("<div class=\"table-wrap\">\n<table");
  attrs(b.attr);
  raw(">\n");
  raw(table_head(b.caption, number, b.widths));
  auto align = [&](size_t col) -> std::string {
    if (col >= b.aligns.size()) return {};
    switch (b.aligns[col]) {
      case doc::Align::Left: return " style=\"text-align: left;\"";
      case doc::Align::Center: return " style=\"text-align: center;\"";
      case doc::Align::Right: return " style=\"text-align: right;\"";
      case doc::Align::Default: return {};
    }
    return {};
  };
  for (size_t r = 0; r < b.rows.size(); ++r) {
    bool head = static_cast<int>(r) < b.header_rows;
    if (r == 0 && head) raw("<thead>\n");
    if (static_cast<int>(r) == b.header_rows) raw("<tbody>\n");
    raw("<tr>");
    for (size_t c = 0; c < b.rows[r].size(); ++c) {
      raw(head ? "<th" : "<td");
      raw(align(c));
      raw(">");
      inlines(b.rows[r][c].content);
      raw(head ? "</th>" : "</td>");
    }
    raw("</tr>\n");
    if (head && static_cast<int>(r) + 1 == b.header_rows) raw("</thead>\n");
  }
  if (static_cast<int>(b.rows.size()) > b.header_rows) raw("</tbody>\n");
  raw("</table>\n</div>\n");
}

void HtmlWriter::math_block(const Block& b, const std::string& number) {
  uses_math_ = true;
  raw("<div");
  attrs(b.attr, "math-block");
  raw("><span class=\"math display\">\\[");
  text(b.text);
  if (!number.empty()) raw("\\tag{" + number + "}");
  raw("\\]</span></div>\n");
}

void HtmlWriter::div(const Block& b) {
  if (b.attr.has_class("panel-tabset")) {
    tabset(b);
    return;
  }
  raw("<div");
  attrs(b.attr);
  raw(">\n");
  blocks(b.children);
  raw("</div>\n");
}

void HtmlWriter::callout(const Block& b) {
  std::string kind = b.info;
  raw("<div");
  doc::Attr a = b.attr;
  // Quarto's collapse="true" (folded) or "false" (foldable, open): a <details>, no script.
  const std::string* collapse = a.value("collapse");
  std::string fold = collapse ? (*collapse == "false" ? "open" : "closed") : "";
  std::erase_if(a.classes, [](const std::string& c) { return c.starts_with("callout-"); });
  std::erase_if(a.kv, [](const auto& kv) { return kv.first == "title" || kv.first == "collapse"; });
  attrs(a, "callout callout-" + kind);
  raw(" role=\"note\">\n");
  if (!fold.empty()) raw(std::string("<details class=\"callout-fold\"") + (fold == "open" ? " open" : "") + ">\n");
  raw(fold.empty() ? "<div class=\"callout-title\">" : "<summary class=\"callout-title\">");
  if (b.caption.empty()) {
    std::string t = kind;
    if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
    text(t);
  } else {
    inlines(b.caption);
  }
  raw(fold.empty() ? "</div>\n" : "</summary>\n");
  raw("<div class=\"callout-body\">\n");
  blocks(b.children);
  raw("</div>\n");
  if (!fold.empty()) raw("</details>\n");
  raw("</div>\n");
}

void HtmlWriter::figure(const Block& b, const std::string& number) {
  const Inline& img = b.inlines.front();
  raw("<figure");
  attrs(b.attr, "figure");
  raw(">\n");
  image(img);
  raw("\n");
  if (!b.caption.empty() || !number.empty()) {
    raw("<figcaption>");
    if (!number.empty()) raw("<span class=\"caption-label\">Figure\u00a0" + number + ":</span> ");
    inlines(b.caption);
    raw("</figcaption>\n");
  }
  raw("</figure>\n");
}

void HtmlWriter::cell(const doc::Cell& c, const std::string& figure_number) {
  std::string id = c.name();
  bool figure_label = c.options.label.starts_with("fig-");
  // A figure's or table's label goes to the figure or table the cell makes.
  bool captioned = figure_label || c.options.label.starts_with("tbl-");
  raw("<div class=\"cell\" id=\"" + escape(captioned ? "cell-" + id : id, true) + "\" data-language=\"" +
      escape(c.language, true) + "\">\n");
  if (c.options.echo && !c.options.code_fold.empty()) {
    // Folded without script: a <details> opens and closes by itself.
    raw(std::string("<details class=\"code-fold\"") + (c.options.code_fold == "show" ? " open" : "") + "><summary>");
    raw(escape(c.options.code_summary));
    raw("</summary>\n");
    highlighted(c.code, c.language, "cell-code");
    raw("</details>\n");
  } else if (c.options.echo) {
    highlighted(c.code, c.language, "cell-code");
  }
  const exec::CellResult* result = ctx_.results ? ctx_.results->cell(c.index) : nullptr;
  if (result) {
    cell_outputs(c, *result, figure_number);
  } else {
    if (c.options.eval && c.options.echo)
      raw("<div class=\"cell-status\">Not executed: this render shows the code only.</div>\n");
    if (figure_label || !c.options.fig_cap.empty()) {
      raw("<figure" + std::string(figure_label ? " id=\"" + escape(c.options.label, true) + "\"" : "") +
          " class=\"figure figure-pending\">\n<div class=\"figure-placeholder\">Figure not generated yet: the cell "
          "has not run.</div>\n");
      figure_caption(c, figure_number);
      raw("</figure>\n");
    }
    if (c.options.label.starts_with("tbl-") || !c.options.tbl_cap.empty())
      missing_table(CellTable{c, number_of(c.options.label)});
  }
  raw("</div>\n");
}

void HtmlWriter::figure_caption(const doc::Cell& c, const std::string& figure_number) {
  if (c.options.fig_cap.empty() && figure_number.empty()) return;
  raw("<figcaption>");
  if (!figure_number.empty()) raw("<span class=\"caption-label\">Figure\u00a0" + figure_number + ":</span> ");
  inlines(doc::read_markdown_inlines(c.options.fig_cap, ctx_.doc.path, ctx_.reporter));
  raw("</figcaption>\n");
}

void HtmlWriter::output_text(std::string_view text, TextKind kind) {
  static const char* const classes[] = {"cell-output cell-output-stdout", "cell-output cell-output-stderr",
                                        "cell-output cell-output-result", "cell-output cell-output-error"};
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return;  // an empty box says nothing
  raw("<pre class=\"" + std::string(classes[static_cast<int>(kind)]) + "\"><code>");
  escape_into(out_, text);
  raw("</code></pre>\n");
}

namespace {

size_t find_table_tag(const std::string& html) {
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1))
    if (html.size() - at > 6 && to_lower(html.substr(at + 1, 5)) == "table" &&
        (html[at + 6] == '>' || std::isspace(static_cast<unsigned char>(html[at + 6]))))
      return at;
  return std::string::npos;
}

}  // namespace

bool HtmlWriter::output_html(const std::string& html, const CellTable* table) {
  std::string h = html;
  bool placed = false;
  size_t open = find_table_tag(h);
  size_t close = open == std::string::npos ? open : h.find('>', open);
  if (close != std::string::npos) {
    // pandas writes border="1", which browsers draw as old double borders; the
    // stylesheet draws tables.
    static const std::regex border(R"re(\s+border\s*=\s*("[^"]*"|'[^']*'|[0-9]+))re", std::regex::icase);
    std::string tag = std::regex_replace(h.substr(open, close - open), border, "");
    std::string inside;
    if (table && !std::regex_search(tag, std::regex(R"(\sid\s*=)", std::regex::icase))) {
      const doc::Cell& c = table->cell;
      if (!table->number.empty()) tag += " id=\"" + escape(c.options.label, true) + "\"";
      inside = table_head(doc::read_markdown_inlines(c.options.tbl_cap, ctx_.doc.path, ctx_.reporter), table->number,
                          c.options.tbl_colwidths);
      placed = true;
    }
    h = h.substr(0, open) + tag + ">" + inside + h.substr(close + 1);
  }
  raw("<div class=\"cell-output cell-output-display\">\n" + h + "\n</div>\n");
  return placed;
}

void HtmlWriter::missing_table(const CellTable& t) {
  const doc::Cell& c = t.cell;
  bool ran = ctx_.results && ctx_.results->cell(c.index);
  raw("<div class=\"table-pending\"" +
      (t.number.empty() ? std::string() : " id=\"" + escape(c.options.label, true) + "\"") + ">\n<p>" +
      (ran ? "The cell made no table." : "Table not generated yet: the cell has not run.") + "</p>\n");
  std::string head = table_head(doc::read_markdown_inlines(c.options.tbl_cap, ctx_.doc.path, ctx_.reporter), t.number, {});
  // Outside a table, the caption is a paragraph with the caption's class.
  raw(replace_all(replace_all(head, "<caption>", "<p class=\"table-caption\">"), "</caption>", "</p>"));
  raw("</div>\n");
}

// <caption> and <colgroup> for a table: "Table N:" and its caption, and column widths.
std::string HtmlWriter::table_head(const std::vector<Inline>& caption, const std::string& number,
                                   const std::vector<double>& widths) {
  std::string saved;
  saved.swap(out_);
  if (!caption.empty() || !number.empty()) {
    raw("<caption>");
    if (!number.empty()) raw("<span class=\"caption-label\">Table\u00a0" + number + ":</span> ");
    inlines(caption);
    raw("</caption>\n");
  }
  if (!widths.empty()) {
    raw("<colgroup>\n");
    for (double w : widths) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "<col style=\"width: %.1f%%\">\n", w * 100);
      raw(buf);
    }
    raw("</colgroup>\n");
  }
  saved.swap(out_);
  return saved;
}

void HtmlWriter::output_figures(const doc::Cell& c, const std::vector<FigureRef>& figures,
                                const std::string& figure_number) {
  bool figure_label = c.options.label.starts_with("fig-");
  bool captioned = figure_label || !c.options.fig_cap.empty();
  std::string alt = c.options.fig_alt.empty() ? c.options.fig_cap : c.options.fig_alt;
  std::string id = c.figure_id();
  raw(captioned ? "<figure" + std::string(!id.empty() ? " id=\"" + escape(id, true) + "\"" : "") +
                      " class=\"figure cell-figure\">\n"
                : std::string("<div class=\"cell-output cell-output-display\">\n"));
  for (const auto& f : figures) {
    raw("<img src=\"" + escape(f.src, true) + "\" alt=\"" + escape(alt, true) + "\"");
    if (c.options.fig_width) raw(" style=\"width:" + std::to_string(static_cast<int>(*c.options.fig_width * 96)) + "px\"");
    raw(">\n");
  }
  if (captioned) {
    figure_caption(c, figure_number);
    raw("</figure>\n");
  } else {
    raw("</div>\n");
  }
}

void HtmlWriter::output_files(const std::vector<FileRef>& files) {
  raw("<ul class=\"cell-output cell-output-files\">\n");
  for (const auto& f : files)
    raw("<li><a href=\"" + escape(f.href, true) + "\" download>" + escape(f.name) + "</a></li>\n");
  raw("</ul>\n");
}

void HtmlWriter::environment(const Block& b) {
  if (b.kind == BlockKind::ImageSpec) {
    const doc::ImageBlock& img = ctx_.doc.images[b.ref];
    std::string name = img.name.empty() ? "default" : img.name;
    raw("<details class=\"environment\" id=\"env-" + escape(name, true) + "\">\n<summary><span class=\"env-label\">"
        "Environment</span> <code>" + escape(name) + "</code> <span class=\"env-kind\">Dockerfile</span></summary>\n");
    highlighted(img.dockerfile, "dockerfile");
  } else {
    raw("<details class=\"environment\" id=\"env-manifest\">\n<summary><span class=\"env-label\">Environment</span> "
        "<span class=\"env-kind\">manifest</span></summary>\n");
    highlighted(ctx_.doc.manifest->text, "yaml");
  }
  raw("</details>\n");
}

void HtmlWriter::references(const std::vector<Bibliography::Reference>& refs, bool add_heading) {
  raw("<section id=\"refs\" class=\"references\" role=\"doc-bibliography\">\n");
  if (add_heading) {
    int level = std::clamp(ctx_.refs.top_level(), 1, 6);
    raw("<h" + std::to_string(level) + " class=\"unnumbered\" id=\"references\">References</h" +
        std::to_string(level) + ">\n");
  }
  for (const auto& r : refs) {
    raw("<div id=\"ref-" + escape(r.key, true) + "\" class=\"csl-entry\">");
    inlines(r.text);
    raw("</div>\n");
  }
  raw("</section>\n");
}

void HtmlWriter::end_of_body() {
  const auto& notes = ctx_.doc.footnotes;
  if (notes.empty()) return;
  raw("<section id=\"footnotes\" class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n");
  for (size_t i = 0; i < notes.size(); ++i) {
    std::string n = std::to_string(i + 1);
    std::string content = blocks_to_string(notes[i]);
    std::string back = " <a href=\"#fnref" + n + "\" class=\"footnote-back\" role=\"doc-backlink\">↩︎</a>";
    if (content.ends_with("</p>\n")) content.insert(content.size() - 5, back);
    else content += "<p>" + back + "</p>\n";
    raw("<li id=\"fn" + n + "\">" + content + "</li>\n");
  }
  raw("</ol>\n</section>\n");
}

void HtmlWriter::code(const Inline& in) { raw("<code>" + escape(in.text) + "</code>"); }

void HtmlWriter::emph(const Inline& in) {
  raw("<em>");
  inlines(in.children);
  raw("</em>");
}

void HtmlWriter::strong(const Inline& in) {
  raw("<strong>");
  inlines(in.children);
  raw("</strong>");
}

void HtmlWriter::strike(const Inline& in) {
  raw("<del>");
  inlines(in.children);
  raw("</del>");
}

void HtmlWriter::link(const Inline& in) {
  if (plain_links_) return inlines(in.children);
  raw("<a href=\"" + escape(in.target, true) + "\"");
  if (!in.title.empty()) raw(" title=\"" + escape(in.title, true) + "\"");
  raw(">");
  inlines(in.children);
  raw("</a>");
}

void HtmlWriter::image(const Inline& in) {
  // An image that cannot be used keeps its reference: the browser may still find it.
  std::string src = ctx_.resolve_image(in.target, in.pos).value_or(in.target);
  raw("<img src=\"" + escape(src, true) + "\" alt=\"" +
      escape(doc::plain_text(in.children), true) + "\"");
  if (!in.title.empty()) raw(" title=\"" + escape(in.title, true) + "\"");
  std::string style;
  if (const std::string* w = in.attr.value("width")) style += "width: " + *w + ";";
  if (const std::string* h = in.attr.value("height")) style += "height: " + *h + ";";
  if (!style.empty()) raw(" style=\"" + escape(style, true) + "\"");
  raw(">");
}

void HtmlWriter::raw_html(const Inline& in) { raw(in.text); }

void HtmlWriter::math(const Inline& in, bool display) {
  uses_math_ = true;
  raw(display ? "<span class=\"math display\">\\[" : "<span class=\"math inline\">\\(");
  text(in.text);
  raw(display ? "\\]</span>" : "\\)</span>");
}

void HtmlWriter::footnote_ref(const Inline& in) {
  if (plain_links_) return;
  std::string n = std::to_string(in.number);
  int use = ++footnote_uses_[in.number];
  std::string id = "fnref" + n + (use > 1 ? "-" + std::to_string(use) : "");
  raw("<sup class=\"footnote-ref\"><a href=\"#fn" + n + "\" id=\"" + id + "\" role=\"doc-noteref\">" + n + "</a></sup>");
}

void HtmlWriter::citation(const Inline& in, const std::vector<Inline>& rendered) {
  std::string keys;
  for (const auto& c : in.cites) keys += (keys.empty() ? "" : " ") + c.key;
  raw("<span class=\"citation\" data-cites=\"" + escape(keys, true) + "\">");
  inlines(rendered);
  raw("</span>");
}

void HtmlWriter::cross_ref(const std::string& id, const std::string& label, bool known) {
  if (!known) {
    raw("<strong class=\"cross-ref-missing\">" + escape(label) + "</strong>");
  } else if (plain_links_) {
    text(label);
  } else {
    raw("<a href=\"#" + escape(id, true) + "\" class=\"cross-ref\">" + escape(label) + "</a>");
  }
}

void HtmlWriter::inline_cell(const Inline& in) {
  if (const exec::CellResult* r = inline_result(in)) {
    raw("<span class=\"inline-value\">");
    text(inline_value(*r));
    raw("</span>");
    return;
  }
  raw("<code class=\"inline-cell\" data-language=\"" + escape(in.target, true) + "\" title=\"inline " +
      escape(in.target, true) + " expression, not executed\">" + escape(in.text) + "</code>");
}

// Quarto's tabset: the div's highest headings are the tabs. Radio buttons and CSS switch
// them (waybill.css, up to 12 tabs), so the page needs no script; the arrow keys move
// between tabs as between any radio buttons. Blocks before the first heading stay above the tabs.
void HtmlWriter::tabset(const Block& b) {
  int level = 7;
  for (const auto& c : b.children)
    if (c.kind == BlockKind::Heading) level = std::min(level, c.level);
  std::vector<const Block*> tabs;
  std::vector<std::vector<Block>> panels(1);
  for (const auto& c : b.children) {
    if (c.kind == BlockKind::Heading && c.level == level) {
      tabs.push_back(&c);
      panels.emplace_back();
    } else {
      panels.back().push_back(c);
    }
  }
  blocks(panels.front());
  std::string group = "tabset-" + std::to_string(++tabsets_);
  raw("<div");
  attrs(b.attr);
  raw(">\n");
  // The inputs come first, as the panels' and labels' siblings, for the CSS to see them.
  for (size_t i = 0; i < tabs.size(); ++i)
    raw("<input type=\"radio\" class=\"tab-input\" name=\"" + group + "\" id=\"" + group + "-" + std::to_string(i + 1) +
        "\"" + (i == 0 ? " checked" : "") + ">\n");
  raw("<div class=\"tab-labels\">\n");
  for (size_t i = 0; i < tabs.size(); ++i) {
    raw("<label for=\"" + group + "-" + std::to_string(i + 1) + "\">");
    inlines(tabs[i]->inlines);
    raw("</label>\n");
  }
  raw("</div>\n");
  for (size_t i = 0; i < tabs.size(); ++i) {
    raw("<div class=\"tab-panel\"");
    if (!tabs[i]->attr.id.empty()) raw(" id=\"" + escape(tabs[i]->attr.id, true) + "\"");
    raw(">\n");
    blocks(panels[i + 1]);
    raw("</div>\n");
  }
  raw("</div>\n");
}

void HtmlWriter::toc_entries(const std::vector<Block>& blocks, std::vector<const Block*>& out) {
  for (const auto& b : blocks) {
    if (b.kind == BlockKind::Heading && !b.attr.has_class("unlisted")) out.push_back(&b);
    // A tabset's headings are its tabs, not sections.
    if ((b.kind == BlockKind::Div && !b.attr.has_class("panel-tabset")) || b.kind == BlockKind::Callout)
      toc_entries(b.children, out);
  }
}

std::string HtmlWriter::toc() {
  std::vector<const Block*> heads;
  toc_entries(ctx_.doc.blocks, heads);
  int top = ctx_.refs.top_level();
  int max_level = top + ctx_.options.toc_depth - 1;
  std::erase_if(heads, [&](const Block* b) { return b->level > max_level; });
  if (heads.empty()) return {};
  std::string saved = std::move(out_);
  out_.clear();
  plain_links_ = true;
  raw("<nav id=\"TOC\" role=\"doc-toc\">\n<h2 id=\"toc-title\">Contents</h2>\n");
  int depth = 0;  // open <ul> levels, relative to `top`
  for (const Block* b : heads) {
    int level = b->level - top + 1;
    if (level > depth) {
      while (depth < level) {
        raw(depth == 0 ? "<ul>\n" : "\n<ul>\n");
        if (depth + 1 < level) raw("<li>");
        ++depth;
      }
    } else {
      raw("</li>\n");
      while (depth > level) {
        raw("</ul>\n</li>\n");
        --depth;
      }
    }
    raw("<li><a href=\"#" + escape(b->attr.id, true) + "\">");
    std::string number = ctx_.refs.section_number(b->attr.id);
    if (ctx_.options.number_sections && !number.empty())
      raw("<span class=\"toc-section-number\">" + number + "</span> ");
    inlines(b->inlines);
    raw("</a>");
  }
  raw("</li>\n");
  while (depth > 1) {
    raw("</ul>\n</li>\n");
    --depth;
  }
  raw("</ul>\n</nav>\n");
  plain_links_ = false;
  std::string result = std::move(out_);
  out_ = std::move(saved);
  return result;
}

}  // namespace waybill::render
