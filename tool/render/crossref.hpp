#pragma once
// Numbers for everything a cross-reference can point at: sections (by heading id),
// figures (fig-), tables (tbl-), equations (eq-) and listings (lst-), in document order.
// Both writers use these numbers, so HTML and PDF agree.
#include <map>
#include <string>

#include "doc/model.hpp"

namespace waybill::render {

enum class RefKind { Section, Figure, Table, Equation, Listing };

struct RefTarget {
  RefKind kind = RefKind::Section;
  std::string number;  // "2.1", "3"; empty for an unnumbered section
  std::string title;   // a section's heading text, for references to unnumbered ones
};

class CrossRefs {
 public:
  static CrossRefs build(const doc::Document& doc);

  const RefTarget* find(const std::string& id) const;
  // The section number shown in a heading ("1.2"), or "" when unnumbered.
  std::string section_number(const std::string& heading_id) const;
  // The shallowest heading level in the body (1 for `#`, 2 when the body starts at `##`).
  int top_level() const { return top_level_; }
  // Every target, by label (a site links references to other pages through these).
  const std::map<std::string, RefTarget>& all() const { return targets_; }
  // The figure number of a cell: by its fig- label, or for a cell with a caption and no
  // such label (knitr's fig.cap alone) by its place; "" when it is not a figure.
  std::string cell_figure_number(const doc::Cell& c) const;

 private:
  std::map<std::string, RefTarget> targets_;
  std::map<size_t, std::string> captioned_cells_;  // by cell index: fig-cap without a fig- label
  int top_level_ = 1;
};

// "Section", "Figure", "Table", "Equation", "Listing".
const char* ref_kind_name(RefKind kind);

}  // namespace waybill::render
