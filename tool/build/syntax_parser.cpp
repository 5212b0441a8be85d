// Lines to instructions, as BuildKit's parser reads them: parser directives at the top,
// comments, continuation lines (ending in the escape character), then heredoc bodies.
#include <algorithm>
#include <regex>
#include <set>

#include "build/shell_words.hpp"
#include "build/syntax_args.hpp"
#include "build/syntax_tree.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

std::string_view trim_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view trim_leading_space(std::string_view s) {
  while (!s.empty()) {
    size_t i = 0;
    if (!is_space(next_code_point(s, i))) break;
    s.remove_prefix(i);
  }
  return s;
}

bool is_comment(std::string_view line) {
  line = trim_leading_space(trim_newline(line));
  return !line.empty() && line[0] == '#';
}

// "text \" -> ("text ", false): the instruction goes on to the next line. An escaped
// escape character ("C:\\") at the end is not a continuation.
std::pair<std::string_view, bool> trim_continuation(std::string_view s, char escape) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  size_t run = 0;
  while (run < end && s[end - 1 - run] == escape) ++run;
  if (run % 2 == 1) return {s.substr(0, end - 1), false};
  return {s, true};
}

class DirectiveReader {
 public:
  explicit DirectiveReader(SyntaxTree& tree) : tree_(tree) {}

  // Directives are comments of the form `# name=value` before anything else; the first
  // line that is not one ends them. Throws on a repeated or invalid directive.
  void see(std::string_view line) {
    if (done_) return;
    static const std::regex kDirective(R"(^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(line.begin(), line.end(), m, kDirective)) {
      done_ = true;
      return;
    }
    std::string name = to_lower(m[1].str());
    if (name != "escape" && name != "syntax" && name != "check") {
      done_ = true;
      return;
    }
    if (!seen_.insert(name).second)
      throw Error(ErrorKind::Document, "only one " + name + " parser directive can be used");
    std::string value = m[2].str();
    if (name == "escape") {
      if (value != "`" && value != "\\")
        throw Error(ErrorKind::Document, "invalid escape token '" + value + "' does not match ` or \\");
      tree_.escape = value[0];
    } else if (name == "syntax") {
      tree_.syntax = value;
    }
  }

 private:
  SyntaxTree& tree_;
  std::set<std::string> seen_;
  bool done_ = false;
};

class LineParser {
 public:
  LineParser(std::string_view text, const ParseSource& source) : source_(source), directives_(tree_) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) nl = text.size();
      lines_.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
  }

  SyntaxTree parse() {
    while (next_ < lines_.size()) {
      std::string_view first = process(lines_[next_++], true);
      int start_line = ++line_;
      auto [text, end] = trim_continuation(first, tree_.escape);
      if (end && text.empty()) continue;
      std::string line(text);
      bool empty_continuation = false;
      while (!end && next_ < lines_.size()) {
        std::string_view raw = lines_[next_++];
        std::string_view part = process(raw, false);
        ++line_;
        if (is_comment(raw)) continue;
        if (trim_leading_space(part).empty()) {
          empty_continuation = true;
          continue;
        }
        auto [more, at_end] = trim_continuation(part, tree_.escape);
        line += more;
        end = at_end;
      }
      if (empty_continuation)
        tree_.warnings.push_back(location(start_line).str() +
                                 ": empty continuation line (a future Dockerfile syntax may end the instruction there)");
      tree_.nodes.push_back(instruction(line, start_line));
    }
    if (tree_.nodes.empty())
      throw Error(ErrorKind::Document, "the Dockerfile has no instructions", location(0),
                  "a Dockerfile starts with FROM IMAGE (or FROM scratch)");
    return std::move(tree_);
  }

 private:
  SourceLoc location(int line) const {
    return SourceLoc{source_.file, line > 0 ? line + source_.line_offset : 0, line > 0 ? 1 : 0};
  }

  Error located(Error e, int line) const {
    return Error(e.kind(), e.message(), location(line), e.hint());
  }

  std::string_view process(std::string_view raw, bool strip_left) {
    std::string_view token = trim_newline(raw);
    if (strip_left) token = trim_leading_space(token);
    try {
      directives_.see(token);
    } catch (const Error& e) {
      throw located(e, line_ + 1);
    }
    return is_comment(token) ? std::string_view() : token;
  }

  SyntaxNode instruction(const std::string& line, int start_line) {
    SyntaxNode node;
    try {
      syntax::parse_instruction(line, tree_.escape, node);
      node.original = line;
      node.start_line = start_line;
      bool heredoc_capable = node.keyword == "run" || node.keyword == "copy" || node.keyword == "add";
      if (heredoc_capable && !node.json && line.find("<<") != std::string::npos) node.heredocs = syntax::heredocs_in_line(line);
    } catch (const Error& e) {
      throw located(e, start_line);
    }
    for (auto& doc : node.heredocs) read_heredoc_body(doc, start_line);
    node.end_line = line_;
    return node;
  }

  void read_heredoc_body(Heredoc& doc, int start_line) {
    while (next_ < lines_.size()) {
      std::string_view raw = lines_[next_++];
      ++line_;
      std::string_view candidate = trim_newline(raw);
      if (doc.chomp) {
        while (!candidate.empty() && candidate[0] == '\t') candidate.remove_prefix(1);
      }
      if (candidate == doc.name) return;
      doc.content += raw;
      doc.content += '\n';
    }
    throw Error(ErrorKind::Document, "unterminated heredoc: no line `" + doc.name + "` ends it", location(start_line),
                "end the here-document with a line holding only " + doc.name);
  }

  const ParseSource& source_;
  SyntaxTree tree_;
  DirectiveReader directives_;
  std::vector<std::string_view> lines_;
  size_t next_ = 0;
  int line_ = 0;
};

}  // namespace

SyntaxTree parse_dockerfile(std::string_view text, const ParseSource& source) {
  // Labels, environment and commands end up in the image's JSON config, which is UTF-8:
  // a byte that is not is an error at its place, not an internal one much later.
  if (!is_valid_utf8(text)) {
    size_t bad = 0;
    while (bad < text.size()) {
      size_t at = bad;
      next_code_point(text, bad);
      if (!is_valid_utf8(text.substr(at, bad - at))) {
        bad = at;
        break;
      }
    }
    std::string_view before = text.substr(0, bad);
    int line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    size_t line_start = before.rfind('\n');
    int col = static_cast<int>(bad - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    throw Error(ErrorKind::Document, "the Dockerfile is not valid UTF-8", SourceLoc{source.file, line + source.line_offset, col},
                "save it as UTF-8; image configs (labels, environment, commands) are UTF-8 text");
  }
  return LineParser(text, source).parse();
}

}  // namespace waybill::build
