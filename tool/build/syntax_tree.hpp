#pragma once
// A Dockerfile as BuildKit's parser sees it: one node per instruction, with its keyword,
// its `--flags`, and its arguments split the way that instruction splits them, still
// unexpanded (quotes and `$VAR` stay as written; the builder expands them later, when
// ARG and ENV values are known). Parsing is syntax only: an unknown keyword is kept here
// and refused by the next stage (build/instructions.hpp), which has the line to say so.
#include <string>
#include <vector>

#include "util/source_loc.hpp"

namespace waybill::build {

// `RUN <<EOF` ... `EOF`: a here-document read from the lines after its instruction.
struct Heredoc {
  std::string name;     // the delimiter word, quotes removed
  std::string content;  // every line up to the delimiter, each ending in "\n"
  bool expand = true;   // false when any part of the delimiter was quoted: no $VAR expansion
  bool chomp = false;   // `<<-`: leading tabs are stripped from each line
  int fd = 0;           // `3<<EOF`: the file descriptor it feeds (0 when not given)
};

struct SyntaxNode {
  std::string keyword;                // lower case: "from", "run", ...
  std::vector<std::string> flags;     // "--from=build", as written
  std::vector<std::string> args;      // per the instruction's argument grammar
  std::vector<SyntaxNode> sub;        // ONBUILD: the instruction it carries (one)
  bool json = false;                  // exec (JSON array) form
  std::string original;               // the instruction's text, continuation lines joined
  std::vector<Heredoc> heredocs;
  int start_line = 0, end_line = 0;   // 1-based, in the Dockerfile
};

struct SyntaxTree {
  std::vector<SyntaxNode> nodes;
  char escape = '\\';                 // from `# escape=`
  std::string syntax;                 // from `# syntax=`, when given
  std::vector<std::string> warnings;  // e.g. empty continuation lines
};

struct ParseSource {
  std::string file = "Dockerfile";  // for error locations
  int line_offset = 0;              // a Dockerfile inside a document starts further down
};

// Throws Error(Document) located at the offending line (shifted by line_offset).
SyntaxTree parse_dockerfile(std::string_view text, const ParseSource& source = {});

// The dump format of BuildKit's parser tests (one "(keyword [flags] "arg"...)" line per
// instruction, strings quoted as Go's %q does), which the conformance tests compare.
std::string dump_syntax(const SyntaxTree& tree);
std::string go_quote(std::string_view s);

}  // namespace waybill::build
