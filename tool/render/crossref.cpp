#include "render/crossref.hpp"

#include <algorithm>
#include <array>

#include "doc/reader.hpp"

namespace waybill::render {

using doc::Block;
using doc::BlockKind;

namespace {

class Numberer {
 public:
  Numberer(const doc::Document& doc, std::map<std::string, RefTarget>& out, std::map<size_t, std::string>& cells,
           int top)
      : doc_(doc), out_(out), cells_(cells), top_(top) {}

  void walk(const std::vector<Block>& blocks) {
    for (const auto& b : blocks) {
      switch (b.kind) {
        case BlockKind::Heading: heading(b); break;
        case BlockKind::Figure: numbered(b.attr.id, "fig-", RefKind::Figure, figures_); break;
        case BlockKind::Table: numbered(b.attr.id, "tbl-", RefKind::Table, tables_); break;
        case BlockKind::MathBlock: numbered(b.attr.id, "eq-", RefKind::Equation, equations_); break;
        case BlockKind::CodeBlock: numbered(b.attr.id, "lst-", RefKind::Listing, listings_); break;
        case BlockKind::Cell: {
          const doc::Cell& cell = doc_.cells[b.ref];
          const std::string& label = cell.options.label;
          numbered(label, "fig-", RefKind::Figure, figures_);
          // A caption makes a figure even without a label, as in knitr and Quarto.
          if (!label.starts_with("fig-") && !cell.options.fig_cap.empty() && cell.options.include) {
            cells_[cell.index] = std::to_string(++figures_);
            // knitr's labels have no prefix: bookdown's \@ref(fig:x) reaches chunk x.
            if (!label.empty()) out_[cell.figure_id()] = RefTarget{RefKind::Figure, cells_[cell.index], {}};
          }
          numbered(label, "tbl-", RefKind::Table, tables_);
          break;
        }
        default: break;
      }
      walk(b.children);
    }
  }

 private:
  void heading(const Block& b) {
    if (b.attr.has_class("unnumbered")) {
      out_[b.attr.id] = RefTarget{RefKind::Section, "", doc::plain_text(b.inlines)};
      return;
    }
    int rel = std::clamp(b.level - top_, 0, 5);
    ++counters_[static_cast<size_t>(rel)];
    for (size_t i = static_cast<size_t>(rel) + 1; i < counters_.size(); ++i) counters_[i] = 0;
    std::string number;
    for (int i = 0; i <= rel; ++i) number += (i ? "." : "") + std::to_string(counters_[static_cast<size_t>(i)]);
    out_[b.attr.id] = RefTarget{RefKind::Section, number, doc::plain_text(b.inlines)};
  }

  void numbered(const std::string& id, const char* prefix, RefKind kind, int& counter) {
    if (id.rfind(prefix, 0) != 0) return;
    out_[id] = RefTarget{kind, std::to_string(++counter), {}};
  }

  const doc::Document& doc_;
  std::map<std::string, RefTarget>& out_;
  std::map<size_t, std::string>& cells_;
  int top_;
  std::array<int, 6> counters_{};
  int figures_ = 0, tables_ = 0, equations_ = 0, listings_ = 0;
};

int min_heading_level(const std::vector<Block>& blocks, int best) {
  for (const auto& b : blocks) {
    if (b.kind == BlockKind::Heading) best = std::min(best, b.level);
    best = min_heading_level(b.children, best);
  }
  return best;
}

}  // namespace

CrossRefs CrossRefs::build(const doc::Document& doc) {
  CrossRefs refs;
  refs.top_level_ = min_heading_level(doc.blocks, 6);
  Numberer(doc, refs.targets_, refs.captioned_cells_, refs.top_level_).walk(doc.blocks);
  return refs;
}

const RefTarget* CrossRefs::find(const std::string& id) const {
  auto it = targets_.find(id);
  return it == targets_.end() ? nullptr : &it->second;
}

std::string CrossRefs::cell_figure_number(const doc::Cell& c) const {
  if (c.options.label.starts_with("fig-")) {
    const RefTarget* t = find(c.options.label);
    return t ? t->number : std::string();
  }
  auto it = captioned_cells_.find(c.index);
  return it == captioned_cells_.end() ? std::string() : it->second;
}

std::string CrossRefs::section_number(const std::string& heading_id) const {
  const RefTarget* t = find(heading_id);
  return t && t->kind == RefKind::Section ? t->number : std::string();
}

const char* ref_kind_name(RefKind kind) {
  switch (kind) {
    case RefKind::Section: return "Section";
    case RefKind::Figure: return "Figure";
    case RefKind::Table: return "Table";
    case RefKind::Equation: return "Equation";
    case RefKind::Listing: return "Listing";
  }
  return "";
}

}  // namespace waybill::render
