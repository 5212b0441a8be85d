#pragma once
// The argument grammars of Dockerfile instructions (BuildKit's line parsers): how the
// text after the keyword becomes a node's flags and arguments. Internal to the parser;
// declared here so each grammar can be tested alone.
#include <string>
#include <string_view>
#include <vector>

#include "build/syntax_tree.hpp"

namespace waybill::build::syntax {

// Splits "KEYWORD rest" and fills node.keyword, node.flags, node.args, node.json and
// node.sub. Throws Error(Document) without a location (the parser adds it).
void parse_instruction(std::string_view line, char escape, SyntaxNode& node);

// Leading `--name[=value]` words, up to the first word not starting with "--" or up to
// a lone "--". Returns the flags and sets `rest` to what follows them.
std::vector<std::string> extract_flags(std::string_view line, std::string_view& rest);

// Words separated by white space, quotes and escapes kept as written, but white space
// inside quotes or after an escape does not separate.
std::vector<std::string> split_words_keeping_quotes(std::string_view text, char escape);

// The heredocs an instruction line opens (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`),
// bodies still empty.
std::vector<Heredoc> heredocs_in_line(std::string_view line);

}  // namespace waybill::build::syntax
