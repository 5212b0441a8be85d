#include "render/writer.hpp"

#include <algorithm>

#include "doc/markdown.hpp"
#include "doc/reader.hpp"
#include "util/base64.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::render {

using doc::Block;
using doc::BlockKind;
using doc::Inline;
using doc::InlineKind;

std::string Writer::body() {
  out_.clear();
  out_.reserve(ctx_.doc.source.size() + ctx_.doc.source.size() / 4);  // markup adds about a fifth
  blocks(ctx_.doc.blocks);
  if (ctx_.bib.any_cited()) references(ctx_.bib.references(), !ends_with_references_heading());
  end_of_body();
  return std::move(out_);
}

std::string Writer::inlines_to_string(const std::vector<Inline>& v) {
  std::string saved = std::move(out_);
  out_.clear();
  inlines(v);
  std::string result = std::move(out_);
  out_ = std::move(saved);
  return result;
}

std::string Writer::blocks_to_string(const std::vector<Block>& v) {
  std::string saved = std::move(out_);
  out_.clear();
  blocks(v);
  std::string result = std::move(out_);
  out_ = std::move(saved);
  return result;
}

int Writer::output_line() {
  if (counted_ > out_.size()) counted_ = 0, lines_ = 1;
  lines_ += static_cast<int>(std::count(out_.begin() + static_cast<long>(counted_), out_.end(), '\n'));
  counted_ = out_.size();
  return lines_;
}

void Writer::blocks(const std::vector<Block>& v) {
  for (const auto& b : v) block(b);
}

void Writer::block(const Block& b) {
  if (track_lines_ && b.pos.line > 0) line_map_.emplace_back(output_line(), b.pos.line);
  switch (b.kind) {
    case BlockKind::Paragraph: paragraph(b); break;
    case BlockKind::Heading: heading(b, ctx_.refs.section_number(b.attr.id)); break;
    case BlockKind::BlockQuote: block_quote(b); break;
    case BlockKind::BulletList:
    case BlockKind::OrderedList: list(b); break;
    case BlockKind::ListItem: blocks(b.children); break;
    case BlockKind::CodeBlock: code_block(b); break;
    case BlockKind::HtmlBlock: html_block(b); break;
    case BlockKind::ThematicBreak: thematic_break(); break;
    case BlockKind::Table: table(b, number_of(b.attr.id)); break;
    case BlockKind::MathBlock: math_block(b, number_of(b.attr.id)); break;
    case BlockKind::Div: div(b); break;
    case BlockKind::Callout: callout(b); break;
    case BlockKind::Figure: figure(b, number_of(b.attr.id)); break;
    case BlockKind::Cell: {
      const doc::Cell& c = ctx_.doc.cells[b.ref];
      if (c.options.include) cell(c, ctx_.refs.cell_figure_number(c));
      break;
    }
    case BlockKind::ImageSpec:
      if (ctx_.doc.images[b.ref].echo) environment(b);
      break;
    case BlockKind::Manifest:
      if (ctx_.doc.manifest && ctx_.doc.manifest->echo) environment(b);
      break;
  }
}

void Writer::inlines(const std::vector<Inline>& v) {
  for (const auto& in : v) inline_node(in);
}

void Writer::inline_node(const Inline& in) {
  switch (in.kind) {
    case InlineKind::Text: text(in.text); break;
    case InlineKind::SoftBreak: soft_break(); break;
    case InlineKind::LineBreak: line_break(); break;
    case InlineKind::Code: code(in); break;
    case InlineKind::Emph: emph(in); break;
    case InlineKind::Strong: strong(in); break;
    case InlineKind::Strike: strike(in); break;
    case InlineKind::Link: link(in); break;
    case InlineKind::Image: image(in); break;
    case InlineKind::RawHtml: raw_html(in); break;
    case InlineKind::Math: math(in, false); break;
    case InlineKind::DisplayMath: math(in, true); break;
    case InlineKind::FootnoteRef: footnote_ref(in); break;
    case InlineKind::Citation: citation(in, ctx_.bib.cite(in)); break;
    case InlineKind::CrossRef: {
      const RefTarget* t = ctx_.refs.find(in.target);
      if (!t) {
        ctx_.reporter.warn("unknown cross-reference `@" + in.target + "`", ctx_.doc.loc(in.pos),
                           "give the target that label: `{#" + in.target + "}` on a heading, figure, table or "
                           "equation, or `#| label: " + in.target + "` on a cell");
        cross_ref(in.target, "?@" + in.target, false);
        break;
      }
      std::string label = in.narrative ? std::string(ref_kind_name(t->kind)) + "\u00a0" + t->number : t->number;
      if (t->kind == RefKind::Section && t->number.empty()) label = t->title;  // an unnumbered section
      cross_ref(in.target, label.empty() ? in.target : label, true);
      break;
    }
    case InlineKind::InlineCell: inline_cell(in); break;
  }
}

std::string Writer::number_of(const std::string& id) const {
  if (id.empty()) return {};
  const RefTarget* t = ctx_.refs.find(id);
  return t ? t->number : std::string();
}

bool Writer::ends_with_references_heading() const {
  const auto& bs = ctx_.doc.blocks;
  if (bs.empty() || bs.back().kind != BlockKind::Heading) return false;
  std::string t = to_lower(trim(doc::plain_text(bs.back().inlines)));
  return t == "references" || t == "bibliography" || t == "works cited" || t == "literature";
}

namespace {

std::string extension_of(const std::string& name) {
  auto dot = name.rfind('.');
  return dot == std::string::npos ? "" : to_lower(name.substr(dot + 1));
}

bool is_picture(const std::string& ext) {
  return ext == "png" || ext == "svg" || ext == "jpg" || ext == "jpeg" || ext == "gif" || ext == "pdf";
}

}  // namespace

void Writer::cell_outputs(const doc::Cell& c, const exec::CellResult& r, const std::string& figure_number) {
  if (c.options.output == doc::OutputMode::Hide) return;
  std::vector<FigureRef> figures;
  std::vector<FileRef> files;
  auto asset = [&](const std::string& name, const std::string& data64) -> std::optional<std::string> {
    std::optional<std::string> bytes = base64_decode(data64);
    if (!bytes || !ctx_.write_asset) return std::nullopt;
    return ctx_.write_asset(name, *bytes);
  };
  bool asis = c.options.output == doc::OutputMode::Asis;
  std::string asis_text;
  // Markdown a cell printed (asis) or returned (text/markdown), or HTML it returned: the
  // first table takes the cell's label, caption and column widths, so that it is
  // numbered as a pipe table is and cross-references reach it.
  std::optional<CellTable> table;
  if (c.options.label.starts_with("tbl-") || !c.options.tbl_cap.empty())
    table.emplace(CellTable{c, number_of(c.options.label)});
  bool table_labelled = false;
  auto markdown = [&](const std::string& text) {
    std::vector<doc::Block> v = doc::read_markdown_blocks(text, ctx_.doc.path, ctx_.reporter);
    for (auto& b : v) {
      if (b.kind != BlockKind::Table || !table || table_labelled) continue;
      if (b.attr.id.empty() && c.options.label.starts_with("tbl-")) b.attr.id = c.options.label;
      if (b.caption.empty() && !c.options.tbl_cap.empty())
        b.caption = doc::read_markdown_inlines(c.options.tbl_cap, ctx_.doc.path, ctx_.reporter);
      if (b.widths.empty() && c.options.tbl_colwidths.size() == b.aligns.size()) b.widths = c.options.tbl_colwidths;
      table_labelled = true;
    }
    blocks(v);
  };
  auto flush_asis = [&] {
    if (asis_text.empty()) return;
    markdown(asis_text);
    asis_text.clear();
  };
  for (const auto& o : r.outputs) {
    switch (o.kind) {
      case exec::OutputKind::Stream:
        if (asis && o.name == "stdout") {
          asis_text += o.text;
          continue;
        }
        flush_asis();
        output_text(o.text, o.name == "stderr" ? TextKind::Stderr : TextKind::Stdout);
        break;
      case exec::OutputKind::Result: {
        flush_asis();
        if (auto html = o.data.find("text/html"); html != o.data.end() && takes_html()) {
          table_labelled = output_html(html->second, table && !table_labelled ? &*table : nullptr) || table_labelled;
        } else if (auto md = o.data.find("text/markdown"); md != o.data.end()) {
          markdown(md->second);
        } else if (auto latex = o.data.find("text/latex"); latex != o.data.end()) {
          // A kernel's LaTeX is math as a notebook shows it ($...$, $$...$$), which the
          // Markdown reader takes as math in both formats.
          markdown(latex->second);
        } else if (auto json = o.data.find("application/json"); json != o.data.end()) {
          output_text(json->second, TextKind::Result);
        } else if (auto plain = o.data.find("text/plain"); plain != o.data.end()) {
          output_text(plain->second, TextKind::Result);
        }
        break;
      }
      case exec::OutputKind::Figure: {
        std::string name = "figures/" + c.name() + "-" + std::to_string(figures.size() + 1) + "." + o.format;
        if (auto src = asset(name, o.base64)) figures.push_back(FigureRef{*src, o.format});
        break;
      }
      case exec::OutputKind::File: {
        std::string ext = extension_of(o.name);
        auto src = asset("files/" + c.name() + "/" + o.name, o.base64);
        if (!src) break;
        if (is_picture(ext)) figures.push_back(FigureRef{*src, ext == "jpeg" ? "jpg" : ext});
        else files.push_back(FileRef{o.name, *src});
        break;
      }
    }
  }
  flush_asis();
  if (r.error) output_text(r.error->traceback.empty() ? r.error->ename + ": " + r.error->evalue : r.error->traceback,
                           TextKind::Error);
  if (!figures.empty()) output_figures(c, figures, figure_number);
  if (!files.empty()) output_files(files);
  if (table && !table_labelled) {
    auto where = c.options.where.count("tbl-cap") ? c.options.where.at("tbl-cap") : c.options.where.count("label")
                                                                                      ? c.options.where.at("label")
                                                                                      : c.fence;
    ctx_.reporter.warn("the cell " + (c.options.label.empty() ? std::string("with tbl-cap") : "`" + c.options.label + "`") +
                           " made no table for its caption and number",
                       ctx_.doc.loc(where),
                       "print a Markdown table with `#| output: asis`, or return a data frame as the cell's value");
    missing_table(*table);
  }
}

const exec::CellResult* Writer::inline_result(const doc::Inline& in) const {
  return ctx_.results ? ctx_.results->inline_at(in.pos) : nullptr;
}

std::string Writer::inline_value(const exec::CellResult& r) {
  for (const auto& o : r.outputs)
    if (o.kind == exec::OutputKind::Result)
      if (auto it = o.data.find("text/plain"); it != o.data.end()) return it->second;
  return std::string(trim(r.stdout_text()));
}

}  // namespace waybill::render
