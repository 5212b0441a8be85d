#pragma once
// Block structure that Markdown leaves implicit, recovered after parsing: fenced divs
// and callouts, GFM alerts, figures, display equations, heading attributes and table
// captions. Internal to doc/.
#include <vector>

#include "doc/model.hpp"
#include "doc/preprocess.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

struct StructureContext {
  Document& doc;
  const std::vector<DivFence>& divs;
  Reporter& reporter;
};

void refine_structure(std::vector<Block>& blocks, StructureContext& ctx);

}  // namespace waybill::doc
