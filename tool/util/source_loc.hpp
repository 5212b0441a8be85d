#pragma once
// A position in an input file, as people expect to read it: 1-based line and column
// (columns count bytes). Line 0 means "somewhere in the file".
#include <cstddef>
#include <string>

namespace waybill {

struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;

  bool known() const { return line > 0; }
  // "file:line:col", "file:line" or "file", whichever parts are known.
  std::string str() const;
  // The line and column of a byte offset in `text` (a JSON parser's error position).
  static SourceLoc at_byte(const std::string& file, const std::string& text, size_t byte);
};

}  // namespace waybill
