#include "render/latex_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "doc/markdown.hpp"
#include "doc/reader.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::render {

using doc::Block;
using doc::BlockKind;
using doc::Inline;

namespace {

std::string hex(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(cp));
  return buf;
}

// Replacements for characters LaTeX's utf8 support does not define; used only when the
// character is not already defined (see \WBfallback in the template).
std::string replacement(char32_t cp) {
  if (cp >= 0x2776 && cp <= 0x277F) return "\\ding{" + std::to_string(182 + (cp - 0x2776)) + "}";
  if (cp >= 0x2780 && cp <= 0x2789) return "\\ding{" + std::to_string(172 + (cp - 0x2780)) + "}";
  if (cp >= 0x2460 && cp <= 0x2469) return "\\ding{" + std::to_string(172 + (cp - 0x2460)) + "}";
  static const std::map<char32_t, std::string> table = {
      {0x2713, "\\ding{51}"},          {0x2714, "\\ding{52}"},          {0x2717, "\\ding{55}"},
      {0x2718, "\\ding{56}"},          {0x2192, "\\ensuremath{\\rightarrow}"}, {0x2190, "\\ensuremath{\\leftarrow}"},
      {0x21A9, "\\ensuremath{\\hookleftarrow}"}, {0x21D2, "\\ensuremath{\\Rightarrow}"},
      {0x2264, "\\ensuremath{\\leq}"}, {0x2265, "\\ensuremath{\\geq}"}, {0x2260, "\\ensuremath{\\neq}"},
      {0x2248, "\\ensuremath{\\approx}"}, {0x221E, "\\ensuremath{\\infty}"}, {0x2208, "\\ensuremath{\\in}"},
      {0x03B1, "\\ensuremath{\\alpha}"}, {0x03B2, "\\ensuremath{\\beta}"}, {0x03B3, "\\ensuremath{\\gamma}"},
      {0x03B4, "\\ensuremath{\\delta}"}, {0x03BB, "\\ensuremath{\\lambda}"}, {0x03BC, "\\ensuremath{\\mu}"},
      {0x03C0, "\\ensuremath{\\pi}"}, {0x03C3, "\\ensuremath{\\sigma}"}, {0x2211, "\\ensuremath{\\sum}"},
      {0x2605, "\\ding{72}"},          {0x2606, "\\ding{73}"},          {0x25CF, "\\ding{108}"},
      {0x2022, "\\textbullet{}"},      {0x2026, "\\ldots{}"},           {0xFE0F, ""}, {0x200B, ""}};
  auto it = table.find(cp);
  if (it != table.end()) return it->second;
  return "\\WBmissingchar{" + hex(cp) + "}";
}

const char* section_command(int rel) {
  static const char* const names[] = {"section", "subsection", "subsubsection", "paragraph", "subparagraph"};
  return names[std::clamp(rel, 0, 4)];
}

// How wide a cell's content prints, roughly in characters: TeX math prints far
// narrower than its source.
size_t print_width(const std::vector<Inline>& v) {
  size_t n = 0;
  for (const auto& in : v) {
    if (in.kind == doc::InlineKind::Math || in.kind == doc::InlineKind::DisplayMath) n += std::max<size_t>(1, in.text.size() / 3);
    else if (in.kind == doc::InlineKind::SoftBreak || in.kind == doc::InlineKind::LineBreak) n += 1;
    else if (!in.children.empty()) n += print_width(in.children);
    else n += in.text.size();
  }
  return n;
}

// The longest word of a cell's plain text, which a column must fit.
size_t longest_word(const std::vector<Inline>& v) {
  size_t best = 0;
  for (const auto& in : v) {
    if (in.kind == doc::InlineKind::Math || in.kind == doc::InlineKind::DisplayMath) continue;
    if (!in.children.empty()) best = std::max(best, longest_word(in.children));
    for (auto w : split(in.text, ' ')) best = std::max(best, w.size());
  }
  return best;
}

bool has_markup(const std::vector<Inline>& v) {
  for (const auto& in : v)
    if (in.kind != doc::InlineKind::Text && in.kind != doc::InlineKind::SoftBreak) return true;
  return false;
}

}  // namespace

std::string LatexWriter::escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t start = i;
      char32_t cp = next_code_point(s, i);
      if (cp == 0xA0) {
        out += '~';
        continue;
      }
      non_ascii_.insert(cp);
      out.append(s.substr(start, i - start));
      continue;
    }
    ++i;
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '$': out += "\\$"; break;
      case '&': out += "\\&"; break;
      case '#': out += "\\#"; break;
      case '%': out += "\\%"; break;
      case '_': out += "\\_"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '<': out += "\\textless{}"; break;
      case '>': out += "\\textgreater{}"; break;
      case '|': out += "\\textbar{}"; break;
      case '"': out += "\\textquotedbl{}"; break;
      case '[': out += "{[}"; break;  // never an optional argument of the command before it
      case ']': out += "{]}"; break;
      case '-':
        out += '-';
        if (i < s.size() && s[i] == '-') out += "{}";  // no en-dash ligature for "--"
        break;
      default: out += static_cast<char>(c);
    }
  }
  return out;
}

std::string LatexWriter::verbatim_escape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t start = i;
      non_ascii_.insert(next_code_point(s, i));
      out.append(s.substr(start, i - start));
      continue;
    }
    ++i;
    if (c == '\\') out += "\\textbackslash{}";
    else if (c == '{') out += "\\{";
    else if (c == '}') out += "\\}";
    else out += static_cast<char>(c);
  }
  return out;
}

std::string LatexWriter::unicode_fallbacks() const {
  std::string out;
  for (char32_t cp : non_ascii_) {
    std::string ch;
    append_utf8(ch, cp);
    out += "\\WBfallback{" + ch + "}{" + hex(cp) + "}{" + replacement(cp) + "}\n";
  }
  return out;
}

std::string LatexWriter::label(std::string_view id) {
  std::string out;
  for (unsigned char c : id) {
    if (std::isalnum(c) || c == '-' || c == ':' || c == '.') out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "_%02X", c);
      out += buf;
    }
  }
  return out;
}

void LatexWriter::paragraph(const Block& b) {
  inlines(b.inlines);
  raw("\n\n");
}

void LatexWriter::heading(const Block& b, const std::string& number) {
  int rel = b.level - ctx_.refs.top_level();
  bool starred = b.attr.has_class("unnumbered") || (!ctx_.options.number_sections && number.empty());
  const char* cmd = section_command(rel);
  std::string title = inlines_to_string(b.inlines);
  if (has_markup(b.inlines)) title = "\\texorpdfstring{" + title + "}{" + escape(doc::plain_text(b.inlines)) + "}";
  if (starred) {
    raw(std::string("\\") + cmd + "*{" + title + "}\\phantomsection\\label{" + label(b.attr.id) + "}\n");
    if (rel <= 2) raw(std::string("\\addcontentsline{toc}{") + cmd + "}{" + title + "}\n");
  } else {
    raw(std::string("\\") + cmd + "{" + title + "}\\label{" + label(b.attr.id) + "}\n");
  }
  raw("\n");
}

void LatexWriter::block_quote(const Block& b) {
  raw("\\begin{quote}\n");
  blocks(b.children);
  raw("\\end{quote}\n\n");
}

void LatexWriter::list(const Block& b) {
  bool ordered = b.kind == BlockKind::OrderedList;
  raw(ordered ? "\\begin{enumerate}\n" : "\\begin{itemize}\n");
  if (ordered && b.start != 1) raw("\\setcounter{enumi}{" + std::to_string(b.start - 1) + "}\n");
  if (b.tight) raw("\\tightlist\n");
  for (const auto& item : b.children) {
    if (item.task == doc::TaskState::Done) raw("\\item[$\\boxtimes$] ");
    else if (item.task == doc::TaskState::Open) raw("\\item[$\\square$] ");
    else raw("\\item{} ");
    blocks(item.children);
    while (out_.ends_with("\n\n")) out_.pop_back();
  }
  raw(ordered ? "\\end{enumerate}\n\n" : "\\end{itemize}\n\n");
}

void LatexWriter::highlighted(const std::string& code, const std::string& language) {
  std::vector<Token> tokens = ctx_.highlighter.highlight(code, language);
  while (!tokens.empty() && tokens.back().text == "\n") tokens.pop_back();
  raw("\\begin{WBcode}\n");
  for (const auto& t : tokens) {
    if (t.cls.empty()) raw(verbatim_escape(t.text));
    else raw("\\WB" + t.cls + "{" + verbatim_escape(t.text) + "}");
  }
  raw("\n\\end{WBcode}\n");
}

void LatexWriter::code_block(const Block& b) {
  if (!b.attr.id.empty()) raw("\\phantomsection\\label{" + label(b.attr.id) + "}\n");
  highlighted(b.text, b.info);
  raw("\n");
}

void LatexWriter::html_block(const Block&) {}  // raw HTML has no LaTeX meaning

void LatexWriter::thematic_break() { raw("\\begin{center}\\rule{0.5\\linewidth}{0.5pt}\\end{center}\n\n"); }

void LatexWriter::caption(const std::vector<Inline>& text, const std::string& number, const std::string& id) {
  if (!number.empty()) {
    raw("\\caption{");
    inlines(text);
    raw("}");
    if (!id.empty()) raw("\\label{" + label(id) + "}");
  } else if (!text.empty()) {
    raw("\\caption*{");
    inlines(text);
    raw("}");
  }
}

void LatexWriter::table(const Block& b, const std::string& number) {
  size_t ncols = b.aligns.size();
  if (ncols == 0) return;
  // Wide tables get paragraph columns sized by their content (but never narrower than
  // their longest word); narrow ones natural widths.
  std::vector<size_t> width(ncols, 1), word(ncols, 1);
  for (const auto& row : b.rows)
    for (size_t c = 0; c < row.size() && c < ncols; ++c) {
      width[c] = std::max(width[c], print_width(row[c].content));
      word[c] = std::max(word[c], longest_word(row[c].content));
    }
  size_t total = 0;
  for (size_t w : width) total += w;
  // Widths the author gave (tbl-colwidths) are used as written.
  bool given = b.widths.size() == ncols;
  bool wrap = total > 70 || given;
  std::vector<double> fracs(ncols);
  double sum = 0;
  for (size_t c = 0; c < ncols; ++c) {
    // About 85 characters fill a line of this template's body text.
    fracs[c] = given ? b.widths[c]
                     : std::max({0.06, static_cast<double>(word[c] + 2) / 85.0,
                                 static_cast<double>(width[c]) / static_cast<double>(total)});
    sum += fracs[c];
  }
  std::string spec = "@{}";
  for (size_t c = 0; c < ncols; ++c) {
    doc::Align a = b.aligns[c];
    if (wrap) {
      double frac = 0.96 * fracs[c] / sum;
      char buf[128];
      const char* just = a == doc::Align::Right ? "\\raggedleft" : a == doc::Align::Center ? "\\centering" : "\\raggedright";
      std::snprintf(buf, sizeof buf, ">{%s\\arraybackslash}p{\\dimexpr %.3f\\linewidth-2\\tabcolsep\\relax}", just, frac);
      spec += buf;
    } else {
      spec += a == doc::Align::Right ? "r" : a == doc::Align::Center ? "c" : "l";
    }
  }
  spec += "@{}";
  raw("\\begin{longtable}[]{" + spec + "}\n");
  if (!number.empty() || !b.caption.empty()) {
    caption(b.caption, number, b.attr.id);
    raw("\\\\\n");
  }
  raw("\\toprule\n");
  for (size_t r = 0; r < b.rows.size(); ++r) {
    for (size_t c = 0; c < b.rows[r].size(); ++c) {
      if (c) raw(" & ");
      bool head = static_cast<int>(r) < b.header_rows;
      if (head) raw("\\textbf{");
      inlines(b.rows[r][c].content);
      if (head) raw("}");
    }
    raw(" \\\\\n");
    if (static_cast<int>(r) + 1 == b.header_rows) raw("\\midrule\n\\endhead\n");
  }
  raw("\\bottomrule\n\\end{longtable}\n\n");
}

void LatexWriter::math_block(const Block& b, const std::string& number) {
  // A blank line inside display math is a paragraph break: an error in TeX.
  std::string tex;
  for (auto line : split_lines(b.text))
    if (!is_blank(line)) tex += std::string(line) + "\n";
  if (!number.empty()) raw("\\begin{equation}\\label{" + label(b.attr.id) + "}\n" + tex + "\\end{equation}\n\n");
  else raw("\\[\n" + tex + "\\]\n\n");
}

void LatexWriter::div(const Block& b) {
  if (!b.attr.id.empty()) raw("\\hypertarget{" + label(b.attr.id) + "}{}\n");
  blocks(b.children);
}

void LatexWriter::callout(const Block& b) {
  std::string title;
  if (b.caption.empty()) {
    title = b.info;
    if (!title.empty()) title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    title = escape(title);
  } else {
    title = inlines_to_string(b.caption);
  }
  raw("\\begin{WBcallout}{" + b.info + "}{" + title + "}\n");
  blocks(b.children);
  while (out_.ends_with("\n\n")) out_.pop_back();
  raw("\\end{WBcallout}\n\n");
}

void LatexWriter::graphics(const Inline& img) {
  std::optional<std::string> file = ctx_.resolve_image(img.target, img.pos);
  std::string ext = file ? to_lower(std::filesystem::path(*file).extension().string()) : "";
  bool usable = file && (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".pdf");
  if (!usable) {
    raw("\\WBmissingimage{" + escape(img.target) + "}");
    return;
  }
  std::string opts;
  if (const std::string* w = img.attr.value("width"); w && w->ends_with("%")) {
    opts = "width=" + std::to_string(std::atof(w->c_str()) / 100.0) + "\\linewidth";
  }
  raw("\\includegraphics" + (opts.empty() ? std::string() : "[" + opts + "]") + "{" + *file + "}");
}

void LatexWriter::figure(const Block& b, const std::string& number) {
  raw("\\begin{figure}[htbp]\n\\centering\n");
  graphics(b.inlines.front());
  raw("\n");
  caption(b.caption, number, b.attr.id);
  raw("\n\\end{figure}\n\n");
}

void LatexWriter::cell(const doc::Cell& c, const std::string& figure_number) {
  const exec::CellResult* result = ctx_.results ? ctx_.results->cell(c.index) : nullptr;
  // A figure's label goes to its figure, and a table's to the table the cell prints.
  bool captioned = c.options.label.starts_with("fig-") || c.options.label.starts_with("tbl-");
  if (!c.options.label.empty() && !captioned) raw("\\phantomsection\\label{" + label(c.options.label) + "}\n");
  if (c.options.echo) {
    highlighted(c.code, c.language);
    if (c.options.eval && !result) raw("\\WBnotexecuted\n");
    raw("\n");
  }
  if (result) {
    cell_outputs(c, *result, figure_number);
    return;
  }
  if (c.options.label.starts_with("fig-") || !c.options.fig_cap.empty()) {
    raw("\\begin{figure}[htbp]\n\\centering\n\\WBpendingfigure\n");
    caption(doc::read_markdown_inlines(c.options.fig_cap, ctx_.doc.path, ctx_.reporter), figure_number, c.figure_id());
    raw("\n\\end{figure}\n\n");
  }
  if (c.options.label.starts_with("tbl-") || !c.options.tbl_cap.empty())
    missing_table(CellTable{c, number_of(c.options.label)});
}

void LatexWriter::missing_table(const CellTable& t) {
  const exec::CellResult* result = ctx_.results ? ctx_.results->cell(t.cell.index) : nullptr;
  raw(std::string("\\begin{table}[htbp]\n\\centering\n\\emph{") +
      (result ? "The cell made no table." : "Table not generated yet: the cell has not run.") + "}\n");
  caption(doc::read_markdown_inlines(t.cell.options.tbl_cap, ctx_.doc.path, ctx_.reporter), t.number,
          t.cell.options.label);
  raw("\n\\end{table}\n\n");
}

void LatexWriter::output_text(std::string_view text, TextKind kind) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return;
  static const char* const envs[] = {"WBoutput", "WBstderr", "WBoutput", "WBerror"};
  const char* env = envs[static_cast<int>(kind)];
  raw(std::string("\\begin{") + env + "}\n" + verbatim_escape(text) + "\n\\end{" + env + "}\n\n");
}

void LatexWriter::output_figures(const doc::Cell& c, const std::vector<FigureRef>& figures,
                                 const std::string& figure_number) {
  bool captioned = c.options.label.starts_with("fig-") || !c.options.fig_cap.empty();
  std::string size = c.options.fig_width ? "width=" + std::to_string(*c.options.fig_width) + "in"
                                         : std::string("width=0.8\\linewidth");
  raw(captioned ? "\\begin{figure}[htbp]\n\\centering\n" : "\\begin{center}\n");
  for (const auto& f : figures) {
    if (f.format == "svg" || f.format == "gif") {
      ctx_.reporter.warn("a " + f.format + " figure of " + (c.options.label.empty() ? "a cell" : "cell '" + c.options.label + "'") +
                             " cannot go into LaTeX output",
                         ctx_.doc.loc(c.fence), "use `#| fig-format: png` for documents rendered to PDF");
      raw("\\WBmissingimage{" + escape(f.src) + "}\n");
      continue;
    }
    raw("\\includegraphics[" + size + ",keepaspectratio]{" + f.src + "}\n");
  }
  if (captioned) {
    caption(doc::read_markdown_inlines(c.options.fig_cap, ctx_.doc.path, ctx_.reporter), figure_number, c.figure_id());
    raw("\n\\end{figure}\n\n");
  } else {
    raw("\\end{center}\n\n");
  }
}

void LatexWriter::output_files(const std::vector<FileRef>& files) {
  raw("\\begin{itemize}\n");
  for (const auto& f : files) raw("\\item \\texttt{" + escape(f.name) + "}\n");
  raw("\\end{itemize}\n\n");
}

void LatexWriter::environment(const Block& b) {
  if (b.kind == BlockKind::ImageSpec) {
    const doc::ImageBlock& img = ctx_.doc.images[b.ref];
    raw("\\begin{WBenvironment}{Environment: \\texttt{" + escape(img.name.empty() ? "default" : img.name) +
        "} (Dockerfile)}\n");
    highlighted(img.dockerfile, "dockerfile");
  } else {
    raw("\\begin{WBenvironment}{Environment: manifest}\n");
    highlighted(ctx_.doc.manifest->text, "yaml");
  }
  raw("\\end{WBenvironment}\n\n");
}

void LatexWriter::references(const std::vector<Bibliography::Reference>& refs, bool add_heading) {
  if (add_heading) raw(std::string("\\") + section_command(0) + "*{References}\n\\addcontentsline{toc}{section}{References}\n\n");
  raw("\\begin{WBreferences}\n");
  for (const auto& r : refs) {
    raw("\\WBref{" + label("ref-" + r.key) + "}{");
    inlines(r.text);
    raw("}\n");
  }
  raw("\\end{WBreferences}\n\n");
}

void LatexWriter::code(const Inline& in) { raw("\\texttt{" + escape(in.text) + "}"); }

void LatexWriter::emph(const Inline& in) {
  raw("\\emph{");
  inlines(in.children);
  raw("}");
}

void LatexWriter::strong(const Inline& in) {
  raw("\\textbf{");
  inlines(in.children);
  raw("}");
}

void LatexWriter::strike(const Inline& in) {
  raw("\\sout{");
  inlines(in.children);
  raw("}");
}

void LatexWriter::link(const Inline& in) {
  const std::string& t = in.target;
  if (t.empty() || t == "#") return inlines(in.children);
  if (t.starts_with('#')) {
    std::string id = t.substr(1);
    raw(ctx_.refs.find(id) ? "\\hyperref[" + label(id) + "]{" : "\\hyperlink{" + label(id) + "}{");
    inlines(in.children);
    raw("}");
    return;
  }
  std::string url;
  for (char c : t) {
    if (c == '#' || c == '%' || c == '\\' || c == '{' || c == '}') url += '\\';
    url += c;
  }
  if (in.children.size() == 1 && in.children[0].kind == doc::InlineKind::Text && in.children[0].text == t) {
    raw("\\url{" + url + "}");
    return;
  }
  raw("\\href{" + url + "}{");
  inlines(in.children);
  raw("}");
}

void LatexWriter::image(const Inline& in) { graphics(in); }

void LatexWriter::raw_html(const Inline&) {}

void LatexWriter::math(const Inline& in, bool display) {
  raw(display ? "\\[" : "\\(");
  std::string tex;
  for (auto line : split_lines(in.text))
    if (!is_blank(line)) tex += (tex.empty() ? "" : "\n") + std::string(line);
  raw(tex);
  raw(display ? "\\]" : "\\)");
}

void LatexWriter::footnote_ref(const Inline& in) {
  size_t n = static_cast<size_t>(in.number);
  if (n == 0 || n > ctx_.doc.footnotes.size() || footnote_depth_ > 0) return;
  ++footnote_depth_;
  std::string content = blocks_to_string(ctx_.doc.footnotes[n - 1]);
  --footnote_depth_;
  while (content.ends_with('\n')) content.pop_back();
  raw("\\footnote{" + content + "}");
}

void LatexWriter::citation(const Inline&, const std::vector<Inline>& rendered) { inlines(rendered); }

void LatexWriter::cross_ref(const std::string& id, const std::string& text_label, bool known) {
  if (!known) {
    raw("\\textbf{" + escape(text_label) + "}");
    return;
  }
  raw("\\hyperref[" + label(id) + "]{" + escape(text_label) + "}");
}

void LatexWriter::inline_cell(const Inline& in) {
  if (const exec::CellResult* r = inline_result(in)) {
    text(inline_value(*r));
    return;
  }
  raw("\\texttt{" + escape(in.target + " " + in.text) + "}");
}

}  // namespace waybill::render
