#include "build/syntax_args.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <regex>

#include "build/shell_words.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::build::syntax {

namespace {

Error syntax_error(std::string message, std::string hint = {}) {
  return Error(ErrorKind::Document, std::move(message), {}, std::move(hint));
}

bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

// Go's strings.TrimSpace: Unicode white space at both ends.
std::string_view trim_space(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t i = begin;
    if (!is_space(next_code_point(s, i))) break;
    begin = i;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t i = start;
    if (!is_space(next_code_point(s, i))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

// Splits on runs of [ \t\v\f\r], as BuildKit's whitespace regexp does; at most `limit`
// parts when limit > 0, the last one holding the rest.
std::vector<std::string> split_whitespace(std::string_view s, size_t limit = 0) {
  std::vector<std::string> parts;
  size_t i = 0;
  for (;;) {
    if (limit && parts.size() + 1 == limit) {
      parts.emplace_back(s.substr(i));
      return parts;
    }
    size_t j = i;
    while (j < s.size() && !is_separator(s[j])) ++j;
    parts.emplace_back(s.substr(i, j - i));
    if (j == s.size()) return parts;
    while (j < s.size() && is_separator(s[j])) ++j;
    i = j;
  }
}

enum class JsonResult { Parsed, NotJson };

// The exec form: a JSON array of strings. Anything that is not a JSON array falls back
// to the shell form; an array holding something other than strings is an error.
JsonResult parse_json_array(std::string_view rest, std::vector<std::string>& out) {
  if (rest.empty() || rest[0] != '[') return JsonResult::NotJson;
  nlohmann::json parsed = nlohmann::json::parse(rest, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return JsonResult::NotJson;
  out.clear();
  for (const auto& item : parsed) {
    if (!item.is_string()) throw syntax_error("the JSON array may hold only strings", "write the exec form as [\"program\", \"argument\"]");
    out.push_back(item.get<std::string>());
  }
  return JsonResult::Parsed;
}

// CMD, ENTRYPOINT, RUN, SHELL: a JSON array, or the whole rest as one shell string.
void maybe_json(std::string_view rest, SyntaxNode& node) {
  if (rest.empty()) return;
  if (parse_json_array(rest, node.args) == JsonResult::Parsed) {
    node.json = true;
    return;
  }
  node.args = {std::string(rest)};
}

// FROM, EXPOSE: words separated by white space.
void whitespace_list(std::string_view rest, SyntaxNode& node) {
  if (!rest.empty()) node.args = split_whitespace(rest);
}

// ADD, COPY, VOLUME: a JSON array, or words separated by white space.
void maybe_json_list(std::string_view rest, SyntaxNode& node) {
  if (parse_json_array(rest, node.args) == JsonResult::Parsed) {
    node.json = true;
    return;
  }
  whitespace_list(rest, node);
}

// ENV and LABEL: `KEY value` (the legacy form, one pair) or `k=v k2=v2 ...`. Each pair
// is stored as key, value, separator ("=" or "" for the legacy form).
void name_values(std::string_view rest, char escape, const char* what, SyntaxNode& node) {
  auto words = split_words_keeping_quotes(rest, escape);
  if (words.empty()) throw syntax_error(std::string(what) + " names can not be blank", "write " + std::string(what) + " NAME=value");
  if (words[0].find('=') == std::string::npos) {
    auto parts = split_whitespace(rest, 2);
    if (parts.size() < 2) throw syntax_error(std::string(what) + " must have two arguments", "write " + std::string(what) + " NAME=value");
    node.args = {parts[0], parts[1], ""};
    return;
  }
  for (const auto& word : words) {
    auto eq = word.find('=');
    if (eq == std::string::npos)
      throw syntax_error("can't find = in `" + word + "`", "write " + std::string(what) + " name=value name2=value2 ...");
    node.args.push_back(word.substr(0, eq));
    node.args.push_back(word.substr(eq + 1));
    node.args.push_back("=");
  }
}

// HEALTHCHECK: NONE, or CMD followed by a command in either form.
void health_config(std::string_view rest, SyntaxNode& node) {
  size_t sep = 0;
  while (sep < rest.size() && !is_space(static_cast<unsigned char>(rest[sep]))) ++sep;
  if (sep == 0) return;
  size_t next = sep;
  while (next < rest.size() && is_space(static_cast<unsigned char>(rest[next]))) ++next;
  SyntaxNode command;
  maybe_json(rest.substr(next), command);
  node.args.emplace_back(rest.substr(0, sep));
  node.args.insert(node.args.end(), command.args.begin(), command.args.end());
  node.json = command.json;
}

}  // namespace

std::vector<std::string> extract_flags(std::string_view line, std::string_view& rest) {
  enum { Spaces, Word, Quote } phase = Spaces;
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  for (size_t pos = 0; pos <= line.size(); ++pos) {
    char ch = pos < line.size() ? line[pos] : 0;
    if (phase == Spaces) {
      if (pos == line.size()) break;
      if (is_space(static_cast<unsigned char>(ch))) continue;
      if (ch != '-' || pos + 1 == line.size() || line[pos + 1] != '-') {
        rest = line.substr(pos);
        return words;
      }
      phase = Word;
    }
    if (pos == line.size()) {
      if (word != "--" && (blank_ok || !word.empty())) words.push_back(word);
      break;
    }
    if (phase == Word) {
      if (is_space(static_cast<unsigned char>(ch))) {
        phase = Spaces;
        if (word == "--") {
          rest = line.substr(pos);
          return words;
        }
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = Quote;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == line.size()) continue;
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    // Quote
    if (ch == quote) {
      phase = Word;
      continue;
    }
    if (ch == '\\') {
      if (pos + 1 == line.size()) {
        phase = Word;
        continue;
      }
      ch = line[++pos];
    }
    word += ch;
  }
  rest = {};
  return words;
}

std::vector<std::string> split_words_keeping_quotes(std::string_view text, char escape_char) {
  const char32_t escape = static_cast<unsigned char>(escape_char);
  enum { Spaces, Word, Quote } phase = Spaces;
  std::vector<std::string> words;
  std::string word;
  char32_t quote = 0;
  bool blank_ok = false;
  size_t pos = 0;
  while (true) {
    if (pos == text.size()) {
      if (phase != Spaces && (blank_ok || !word.empty())) words.push_back(word);
      return words;
    }
    size_t next = pos;
    char32_t ch = next_code_point(text, next);
    if (phase == Spaces) {
      if (is_space(ch)) {
        pos = next;
        continue;
      }
      phase = Word;
    }
    bool in_quote = phase == Quote;
    if (!in_quote) {
      if (is_space(ch)) {
        phase = Spaces;
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        pos = next;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = Quote;
      }
    } else if (ch == quote) {
      phase = Word;
    }
    // The escape and the character after it are both kept, even when that character is
    // a quote; nothing can be escaped inside '...'; an escape at the very end is dropped.
    if (ch == escape && !(in_quote && quote == '\'')) {
      if (next == text.size()) {
        phase = Word;
        pos = next;
        continue;
      }
      append_utf8(word, ch);
      pos = next;
      ch = next_code_point(text, next);
    }
    append_utf8(word, ch);
    pos = next;
  }
}

std::vector<Heredoc> heredocs_in_line(std::string_view line) {
  static const std::regex kHeredoc(R"(^(\d*)<<(-?)([^<]*)$)");
  EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  ShellWordOptions raw;
  raw.raw_quotes = true;
  raw.raw_escapes = true;
  std::vector<Heredoc> docs;
  for (const auto& word : expand_words(line, no_env, raw)) {
    std::smatch m;
    if (!std::regex_match(word, m, kHeredoc)) continue;
    std::string spelled = m[3].str();
    if (spelled.empty()) continue;
    auto names = expand_words(spelled, no_env);
    if (names.size() != 1) continue;  // `<<a b` is not a heredoc
    ShellWordOptions keep_quotes;
    keep_quotes.raw_quotes = true;
    auto raw_names = expand_words(spelled, no_env, keep_quotes);
    if (raw_names.size() != 1) throw syntax_error("invalid heredoc delimiter `" + spelled + "`");
    auto quotes = [](const std::string& w) { return std::count(w.begin(), w.end(), '\'') + std::count(w.begin(), w.end(), '"'); };
    Heredoc doc;
    doc.name = names[0];
    doc.expand = quotes(names[0]) == quotes(raw_names[0]);  // any quoting turns expansion off
    doc.chomp = m[2].str() == "-";
    if (m[1].length() > 4) throw syntax_error("heredoc file descriptor `" + m[1].str() + "` is too large");
    doc.fd = m[1].length() ? std::stoi(m[1].str()) : 0;
    docs.push_back(std::move(doc));
  }
  return docs;
}

void parse_instruction(std::string_view line, char escape, SyntaxNode& node) {
  std::string_view text = trim_space(line);
  size_t cut = 0;
  while (cut < text.size() && !is_separator(text[cut])) ++cut;
  node.keyword = to_lower(text.substr(0, cut));
  std::string_view rest;
  if (cut < text.size()) {
    while (cut < text.size() && is_separator(text[cut])) ++cut;
    node.flags = extract_flags(text.substr(cut), rest);
    rest = trim_space(rest);
  }
  const std::string& k = node.keyword;
  if (k == "add" || k == "copy" || k == "volume") {
    maybe_json_list(rest, node);
  } else if (k == "cmd" || k == "entrypoint" || k == "run" || k == "shell") {
    maybe_json(rest, node);
  } else if (k == "env") {
    name_values(rest, escape, "ENV", node);
  } else if (k == "label") {
    name_values(rest, escape, "LABEL", node);
  } else if (k == "arg") {
    node.args = split_words_keeping_quotes(rest, escape);
  } else if (k == "expose" || k == "from") {
    whitespace_list(rest, node);
  } else if (k == "healthcheck") {
    health_config(rest, node);
  } else if (k == "onbuild") {
    if (!rest.empty()) {
      SyntaxNode sub;
      parse_instruction(rest, escape, sub);
      sub.original = std::string(rest);
      node.sub.push_back(std::move(sub));
    }
  } else if (k == "maintainer" || k == "stopsignal" || k == "user" || k == "workdir") {
    if (!rest.empty()) node.args = {std::string(rest)};
  } else {
    // Unknown: kept (its text is in `original`) for the next stage to refuse.
  }
}

}  // namespace waybill::build::syntax
