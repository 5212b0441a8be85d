#pragma once
// YAML front matter as R Markdown, Quarto and Jekyll write it, read into Metadata.
// Unknown keys are kept (Metadata::raw) for templates; `waybill:` is reserved.
#include <string>
#include <string_view>

#include "doc/model.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::doc {

struct FrontMatterSplit {
  bool present = false;
  int lines = 0;            // lines taken, both `---` lines included
  std::string yaml;
  int yaml_first_line = 0;  // the document line of the YAML's first line
};

// Finds a front matter block: `---` on the first line, closed by `---` or `...`.
FrontMatterSplit split_front_matter(std::string_view source);

// Parses and interprets the front matter into doc.meta. Errors are Error(Document) at
// the offending key; markdown in titles and abstracts is read as Markdown. `defaults`
// (a site's front matter for every page) lies under the document's own keys.
void read_metadata(Document& doc, const FrontMatterSplit& split, Reporter& reporter,
                   const MetaValue* defaults = nullptr);

}  // namespace waybill::doc
