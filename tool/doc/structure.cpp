#include "doc/structure.hpp"

#include <cstdlib>

#include "doc/attr.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

const char* const kCalloutKinds[] = {"note", "tip", "warning", "caution", "important"};

bool is_space_inline(const Inline& in) {
  return in.kind == InlineKind::SoftBreak || in.kind == InlineKind::LineBreak ||
         (in.kind == InlineKind::Text && is_blank(in.text));
}

// Drops leading and trailing whitespace-only inlines.
std::vector<Inline> strip_space(std::vector<Inline> v) {
  while (!v.empty() && is_space_inline(v.back())) v.pop_back();
  size_t first = 0;
  while (first < v.size() && is_space_inline(v[first])) ++first;
  v.erase(v.begin(), v.begin() + static_cast<long>(first));
  return v;
}

// If the last inline is text ending in `{...}` attributes, takes them.
std::optional<Attr> take_inline_attr(std::vector<Inline>& v) {
  if (v.empty() || v.back().kind != InlineKind::Text) return std::nullopt;
  auto attr = take_trailing_attr(v.back().text);
  if (attr && is_blank(v.back().text)) v.pop_back();
  if (attr) v = strip_space(std::move(v));
  return attr;
}

// `![alt](src){#fig-x width=50%}`: attributes right after an image belong to it.
void attach_image_attrs(std::vector<Inline>& v) {
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i].kind != InlineKind::Image || v[i + 1].kind != InlineKind::Text) continue;
    std::string& t = v[i + 1].text;
    if (!t.starts_with('{')) continue;
    size_t close = t.find('}');
    if (close == std::string::npos) continue;
    if (auto a = parse_attr(std::string_view(t).substr(1, close - 1))) {
      v[i].attr = *a;
      t.erase(0, close + 1);
    }
  }
  std::erase_if(v, [](const Inline& in) { return in.kind == InlineKind::Text && in.text.empty(); });
}

void group_divs(std::vector<Block>& blocks, StructureContext& ctx) {
  bool any = false;
  for (const auto& b : blocks)
    if (b.kind == BlockKind::HtmlBlock && (b.text.starts_with(kDivOpenPrefix) || b.text.starts_with(kDivClose)))
      any = true;
  if (!any) return;
  std::vector<Block> out;
  std::vector<Block> open;  // divs being filled, innermost last
  auto target = [&]() -> std::vector<Block>& { return open.empty() ? out : open.back().children; };
  for (auto& b : blocks) {
    if (b.kind == BlockKind::HtmlBlock && b.text.starts_with(kDivOpenPrefix)) {
      size_t n = static_cast<size_t>(std::atol(b.text.c_str() + kDivOpenPrefix.size()));
      Block div;
      div.kind = BlockKind::Div;
      div.pos = b.pos;
      if (n < ctx.divs.size()) div.attr = ctx.divs[n].attr;
      open.push_back(std::move(div));
    } else if (b.kind == BlockKind::HtmlBlock && b.text.starts_with(kDivClose)) {
      if (open.empty()) continue;  // closes a div opened in an enclosing container
      Block div = std::move(open.back());
      open.pop_back();
      target().push_back(std::move(div));
    } else {
      target().push_back(std::move(b));
    }
  }
  while (!open.empty()) {
    Block div = std::move(open.back());
    open.pop_back();
    target().push_back(std::move(div));
  }
  blocks = std::move(out);
}

void make_callout(Block& b) {
  for (const char* kind : kCalloutKinds) {
    if (!b.attr.has_class(std::string("callout-") + kind)) continue;
    b.kind = BlockKind::Callout;
    b.info = kind;
    if (const std::string* title = b.attr.value("title")) {
      Inline t;
      t.kind = InlineKind::Text;
      t.text = *title;
      b.caption = {t};
    } else if (!b.children.empty() && b.children.front().kind == BlockKind::Heading) {
      b.caption = std::move(b.children.front().inlines);
      b.children.erase(b.children.begin());
    }
    return;
  }
}

// GitHub's alerts: a block quote that starts with `[!NOTE]` on a line of its own.
void make_alert(Block& b) {
  if (b.children.empty() || b.children.front().kind != BlockKind::Paragraph) return;
  auto& para = b.children.front().inlines;
  if (para.empty() || para.front().kind != InlineKind::Text) return;
  const std::string& t = para.front().text;
  if (!t.starts_with("[!")) return;
  size_t close = t.find(']');
  if (close == std::string::npos || !is_blank(std::string_view(t).substr(close + 1))) return;
  std::string kind = to_lower(std::string_view(t).substr(2, close - 2));
  bool known = false;
  for (const char* k : kCalloutKinds) known = known || kind == k;
  if (!known) return;
  b.kind = BlockKind::Callout;
  b.info = kind;
  para.erase(para.begin());
  para = strip_space(std::move(para));
  if (para.empty()) b.children.erase(b.children.begin());
}

// The index range [first, last) of `v` without leading and trailing whitespace inlines.
std::pair<size_t, size_t> content_range(const std::vector<Inline>& v) {
  size_t first = 0, last = v.size();
  while (first < last && is_space_inline(v[first])) ++first;
  while (last > first && is_space_inline(v[last - 1])) --last;
  return {first, last};
}

// bookdown's equation label, `(\#eq:x)` inside the math: taken out, "x" returned.
std::string take_bookdown_equation_label(std::string& tex) {
  size_t at = tex.find("(\\#eq:");
  if (at == std::string::npos) return "";
  size_t close = tex.find(')', at);
  if (close == std::string::npos) return "";
  std::string label = tex.substr(at + 6, close - at - 6);
  if (label.empty() || label.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
    return "";
  tex.erase(at, close - at + 1);
  return label;
}

// Paragraphs are checked in place: copying every paragraph's inlines to look at them
// was the single largest cost of reading a long document.
void refine_paragraph(Block& b) {
  attach_image_attrs(b.inlines);
  auto [first, last] = content_range(b.inlines);
  if (first == last) return;
  const Inline& lead = b.inlines[first];
  if (lead.kind == InlineKind::DisplayMath) {
    // `$$...$$` alone, or followed by `{#eq-label}`.
    std::optional<Attr> attr;
    if (last - first > 1) {
      const Inline& tail = b.inlines[last - 1];
      std::string text = tail.kind == InlineKind::Text ? tail.text : std::string("x");
      attr = take_trailing_attr(text);
      if (!attr || !is_blank(text)) return;
      for (size_t i = first + 1; i + 1 < last; ++i)
        if (!is_space_inline(b.inlines[i])) return;
    }
    b.kind = BlockKind::MathBlock;
    b.text = lead.text;
    if (attr) b.attr = *attr;
    if (std::string label = take_bookdown_equation_label(b.text); !label.empty() && b.attr.id.empty())
      b.attr.id = "eq-" + label;
    b.inlines.clear();
    return;
  }
  if (last - first == 1 && lead.kind == InlineKind::Image && (!lead.children.empty() || !lead.attr.id.empty())) {
    b.kind = BlockKind::Figure;
    b.attr = lead.attr;
    b.caption = lead.children;
    Inline img = std::move(b.inlines[first]);
    b.inlines.clear();
    b.inlines.push_back(std::move(img));
  }
}

// `text $$x$$ {#eq-x} more text`: a labelled display equation inside a paragraph is
// split out as an equation of its own (numbered, referable), with the text on either
// side kept as paragraphs.
void split_labelled_equations(std::vector<Block>& blocks) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].kind != BlockKind::Paragraph) continue;
    std::vector<Inline>& v = blocks[i].inlines;
    for (size_t m = 0; m + 1 < v.size(); ++m) {
      if (v[m].kind != InlineKind::DisplayMath || v[m + 1].kind != InlineKind::Text) continue;
      const std::string& t = v[m + 1].text;
      size_t open = t.find_first_not_of(" \t");
      size_t close = open == std::string::npos || t[open] != '{' ? std::string::npos : t.find('}', open);
      if (close == std::string::npos) continue;
      auto attr = parse_attr(std::string_view(t).substr(open + 1, close - open - 1));
      if (!attr || attr->id.empty()) continue;
      bool alone = m == 0 && close + 1 == t.size() && m + 2 == v.size();
      if (alone) break;  // refine_paragraph makes it an equation as it is
      Block before = blocks[i], equation = blocks[i], after = blocks[i];
      before.inlines.assign(v.begin(), v.begin() + static_cast<long>(m));
      equation.inlines = {v[m], v[m + 1]};
      equation.inlines[1].text = t.substr(open, close - open + 1);
      equation.pos = v[m].pos.line ? v[m].pos : blocks[i].pos;
      after.inlines.assign(v.begin() + static_cast<long>(m) + 1, v.end());
      after.inlines.front().text = t.substr(close + 1);
      before.inlines = strip_space(std::move(before.inlines));
      after.inlines = strip_space(std::move(after.inlines));
      if (!before.inlines.empty() && before.inlines.back().kind == InlineKind::Text)
        before.inlines.back().text = std::string(trim_right(before.inlines.back().text));
      if (!after.inlines.empty() && after.inlines.front().kind == InlineKind::Text)
        after.inlines.front().text = std::string(trim_left(after.inlines.front().text));
      std::vector<Block> parts;
      for (Block* part : {&before, &equation, &after}) {
        auto [first, last] = content_range(part->inlines);
        if (first != last) parts.push_back(std::move(*part));
      }
      blocks.erase(blocks.begin() + static_cast<long>(i));
      blocks.insert(blocks.begin() + static_cast<long>(i), std::make_move_iterator(parts.begin()),
                    std::make_move_iterator(parts.end()));
      break;  // the text after it is looked at as the next block
    }
  }
}

bool take_caption_prefix(std::vector<Inline>& v) {
  if (v.empty() || v.front().kind != InlineKind::Text) return false;
  std::string& t = v.front().text;
  for (std::string_view p : {": ", "Table: ", "Table:"}) {
    if (t.starts_with(p)) {
      t.erase(0, p.size());
      return true;
    }
  }
  return false;
}

void attach_table_captions(std::vector<Block>& blocks, StructureContext& ctx) {
  for (size_t i = 0; i + 1 < blocks.size(); ++i) {
    if (blocks[i].kind != BlockKind::Table || blocks[i + 1].kind != BlockKind::Paragraph) continue;
    std::vector<Inline> cap = blocks[i + 1].inlines;
    if (!take_caption_prefix(cap)) continue;
    if (auto attr = take_inline_attr(cap)) {
      blocks[i].attr = *attr;
      if (const std::string* w = attr->value("tbl-colwidths")) {
        if (auto shares = parse_column_widths(*w); shares && shares->size() == blocks[i].aligns.size())
          blocks[i].widths = *shares;
        else
          ctx.reporter.warn("tbl-colwidths=\"" + *w + "\" does not give one positive width for each of the table's " +
                                std::to_string(blocks[i].aligns.size()) + " columns; it is ignored",
                            ctx.doc.loc(blocks[i + 1].pos), "e.g. tbl-colwidths=\"[30,70]\" for two columns");
      }
    }
    blocks[i].caption = strip_space(std::move(cap));
    blocks.erase(blocks.begin() + static_cast<long>(i) + 1);
  }
}

}  // namespace

void refine_structure(std::vector<Block>& blocks, StructureContext& ctx) {
  group_divs(blocks, ctx);
  split_labelled_equations(blocks);
  for (auto& b : blocks) {
    refine_structure(b.children, ctx);
    switch (b.kind) {
      case BlockKind::Div: make_callout(b); break;
      case BlockKind::BlockQuote: make_alert(b); break;
      case BlockKind::Heading:
        if (auto attr = take_inline_attr(b.inlines)) b.attr = *attr;
        break;
      case BlockKind::Paragraph: refine_paragraph(b); break;
      default: break;
    }
  }
  attach_table_captions(blocks, ctx);
}

}  // namespace waybill::doc
