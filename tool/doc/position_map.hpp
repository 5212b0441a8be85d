#pragma once
// Documents whose Markdown waybill writes before parsing it (a notebook's cells, a
// document with `{{< include >}}`s): the parse runs on the written text, and every
// position it gives (the Document's, its warnings', its error's) is moved back to the
// line it came from in the file the user has.
#include <functional>
#include <string>
#include <vector>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

// Where a line of the written text came from: the file's line, and the column its first
// character has there.
struct LineOrigin {
  int line = 0, col = 1;
};

// Parses `text` (the written Markdown, line i from origins[i - 1]) as `path`, with every
// position moved to the origins. `before_moving` sees the Document while its positions
// are still the written text's.
Document parse_mapped(const std::string& path, std::string text, const std::vector<LineOrigin>& origins,
                      Reporter& reporter, const MetaValue* defaults,
                      const std::function<void(Document&)>& before_moving = {});

}  // namespace waybill::doc
