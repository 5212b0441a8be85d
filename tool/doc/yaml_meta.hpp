#pragma once
// YAML text to MetaValue, with positions mapped back into the enclosing document.
#include <string>
#include <string_view>

#include "doc/meta.hpp"

namespace waybill::doc {

struct YamlOrigin {
  std::string file;      // for messages
  std::string what;      // "front matter", "cell options", "manifest"
  int first_line = 1;    // document line of the YAML's first line
  int col_offset = 0;    // columns stripped from every line before parsing (`#| `)
};

// Parses YAML text. Syntax errors and duplicate keys throw Error(Document) at their
// document position, with a hint.
MetaValue parse_yaml(std::string_view text, const YamlOrigin& origin);

}  // namespace waybill::doc
