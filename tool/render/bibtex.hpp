#pragma once
// A BibTeX reader. We do not use btparse: it prints to stderr, may exit() on malformed
// input, keeps global state (a problem for parallel site builds) and exports symbols
// such as `error` that clash with glibc. BibTeX's grammar is small; this reader
// handles @string macros, `#` concatenation, braces and quotes, and reports errors
// as file:line:col.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::render {

struct BibEntry {
  std::string type;  // lower case: article, book, ...
  std::string key;
  std::map<std::string, std::string> fields;  // lower-case names; values still TeX
  int line = 0;

  const std::string* field(const std::string& name) const;
};

// Parses a whole .bib file. Throws Error(Document) at the first syntax error.
std::vector<BibEntry> parse_bibtex(std::string_view text, const std::string& file);

struct PersonName {
  std::string first, von, last, jr;
};

// Splits an author field: "Doe, Jane and John {van der} Berg and others".
// "others" becomes a PersonName with last == "others".
std::vector<PersonName> split_names(std::string_view field);

}  // namespace waybill::render
