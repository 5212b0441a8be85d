#pragma once
// Syntax highlighting with GNU source-highlight, reduced to (class, text) tokens so that
// each writer formats them itself (<span class="kw"> in HTML, \WBkw{} in LaTeX). We
// chose source-highlight because Debian packages it as a C++ library with rules for
// some 80 languages, including Python, R, shell and JSON; waybill adds Dockerfile and
// YAML rules of its own (templates/highlight/).
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::render {

struct Token {
  std::string cls;   // "kw", "dt", "st", "co", "nu", "fu", "va", "op", "pp", "sc"; "" for plain
  std::string text;  // may contain '\n' only as a token of its own
};

class Highlighter {
 public:
  // `own_rules`: waybill's own .lang files; the system's come from source-highlight.
  explicit Highlighter(std::filesystem::path own_rules);
  ~Highlighter();
  Highlighter(const Highlighter&) = delete;
  Highlighter& operator=(const Highlighter&) = delete;

  // Tokens for `code`; plain text (one token per line) when the language is unknown.
  std::vector<Token> highlight(std::string_view code, std::string_view language);

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
};

}  // namespace waybill::render
