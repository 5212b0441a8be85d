#include "render/bibtex.hpp"

#include <cctype>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::render {

const std::string* BibEntry::field(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

namespace {

class BibParser {
 public:
  BibParser(std::string_view text, const std::string& file) : s_(text), file_(file) {
    const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                           "July",    "August",   "September", "October", "November", "December"};
    for (int m = 0; m < 12; ++m) macros_[months[m]] = names[m];
  }

  std::vector<BibEntry> parse() {
    std::vector<BibEntry> out;
    while (true) {
      // Text outside entries is a comment in BibTeX.
      while (i_ < s_.size() && s_[i_] != '@') advance();
      if (i_ >= s_.size()) break;
      int entry_line = line_;
      advance();
      std::string type = to_lower(identifier("an entry type after `@`"));
      skip_ws();
      if (type == "comment") {
        if (peek() == '{' || peek() == '(') skip_balanced();
        continue;
      }
      char open = peek();
      if (open != '{' && open != '(') fail("expected `{` after @" + type);
      char close = open == '{' ? '}' : ')';
      advance();
      skip_ws();
      if (type == "preamble") {
        value();
        skip_ws();
        expect(close);
        continue;
      }
      if (type == "string") {
        std::string name = to_lower(identifier("a macro name"));
        skip_ws();
        expect('=');
        macros_[name] = value();
        skip_ws();
        expect(close);
        continue;
      }
      BibEntry e;
      e.type = type;
      e.line = entry_line;
      e.key = key();
      entry_key_ = e.key;
      entry_line_ = entry_line;
      skip_ws();
      while (peek() == ',') {
        advance();
        skip_ws();
        if (peek() == close) break;
        std::string name = to_lower(identifier("a field name"));
        skip_ws();
        expect('=');
        e.fields[name] = value();
        skip_ws();
      }
      expect(close);
      entry_key_.clear();
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void advance() {
    if (i_ < s_.size() && s_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) advance();
  }
  [[noreturn]] void fail(const std::string& msg) const {
    std::string where = entry_key_.empty() ? std::string()
                                           : " (in entry `" + entry_key_ + "` from line " + std::to_string(entry_line_) + ")";
    throw Error(ErrorKind::Document, "invalid bibliography: " + msg + where,
                SourceLoc{file_, line_, static_cast<int>(i_ - line_start_) + 1},
                "check the entry for an unbalanced brace or a missing comma");
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected `") + c + "`" + (peek() ? std::string(", found `") + peek() + "`" : ", found the end of the file"));
    advance();
  }
  std::string identifier(const char* what) {
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || std::string_view("_-:.+/").find(s_[i_]) != std::string_view::npos))
      advance();
    if (start == i_) fail(std::string("expected ") + what);
    return std::string(s_.substr(start, i_ - start));
  }
  std::string key() {
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ')' && !std::isspace(static_cast<unsigned char>(s_[i_])))
      advance();
    if (start == i_) fail("expected a citation key");
    return std::string(s_.substr(start, i_ - start));
  }
  // Braced text, braces kept inside (they protect case and mark TeX groups).
  std::string braced() {
    int depth = 0;
    std::string out;
    advance();  // the opening brace
    while (true) {
      if (i_ >= s_.size()) fail("unterminated `{`");
      char c = s_[i_];
      if (c == '{') ++depth;
      if (c == '}') {
        if (depth == 0) {
          advance();
          return out;
        }
        --depth;
      }
      out += c;
      advance();
    }
  }
  std::string quoted() {
    int depth = 0;
    std::string out;
    advance();
    while (true) {
      if (i_ >= s_.size()) fail("unterminated `\"`");
      char c = s_[i_];
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c == '"' && depth == 0) {
        advance();
        return out;
      }
      out += c;
      advance();
    }
  }
  std::string value() {
    std::string out;
    while (true) {
      skip_ws();
      char c = peek();
      if (c == '{') out += braced();
      else if (c == '"') out += quoted();
      else if (std::isdigit(static_cast<unsigned char>(c))) out += identifier("a number");
      else if (std::isalpha(static_cast<unsigned char>(c))) {
        std::string name = to_lower(identifier("a macro name"));
        auto it = macros_.find(name);
        out += it == macros_.end() ? name : it->second;
      } else fail("expected a value: `{...}`, `\"...\"`, a number or a macro");
      skip_ws();
      if (peek() != '#') return out;
      advance();
    }
  }
  void skip_balanced() {
    char open = peek(), close = open == '{' ? '}' : ')';
    int depth = 0;
    while (i_ < s_.size()) {
      if (s_[i_] == open) ++depth;
      if (s_[i_] == close && --depth == 0) {
        advance();
        return;
      }
      advance();
    }
  }

  std::string_view s_;
  std::string file_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  std::map<std::string, std::string> macros_;
  std::string entry_key_;  // the entry being read, for messages
  int entry_line_ = 0;
};

// Splits at " and " outside braces.
std::vector<std::string> split_and(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{') ++depth;
    else if (s[i] == '}') --depth;
    else if (depth == 0 && std::isspace(static_cast<unsigned char>(s[i])) && i + 5 <= s.size() &&
             to_lower(s.substr(i + 1, 3)) == "and" && i + 4 < s.size() && std::isspace(static_cast<unsigned char>(s[i + 4]))) {
      out.emplace_back(trim(s.substr(start, i - start)));
      start = i + 5;
      i += 4;
    }
  }
  out.emplace_back(trim(s.substr(start)));
  return out;
}

std::vector<std::string> split_words(std::string_view s, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth == 0 && (sep == ' ' ? std::isspace(static_cast<unsigned char>(c)) != 0 : c == sep)) {
      if (!cur.empty() || sep != ' ') out.emplace_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty() || sep != ' ') out.emplace_back(trim(cur));
  return out;
}

// BibTeX's "von" test, simplified: a word starting with a lower-case letter. A braced
// word ("{de la} Cruz") counts as upper case, which is what braces are for.
bool starts_lower(const std::string& w) { return !w.empty() && std::islower(static_cast<unsigned char>(w[0])); }

}  // namespace

std::vector<BibEntry> parse_bibtex(std::string_view text, const std::string& file) {
  return BibParser(text, file).parse();
}

std::vector<PersonName> split_names(std::string_view field) {
  std::vector<PersonName> out;
  for (const std::string& raw : split_and(field)) {
    if (raw.empty()) continue;
    PersonName n;
    if (to_lower(raw) == "others") {
      n.last = "others";
      out.push_back(n);
      continue;
    }
    std::vector<std::string> parts = split_words(raw, ',');
    auto join_words = [](const std::vector<std::string>& w, size_t a, size_t b) {
      std::string s;
      for (size_t i = a; i < b; ++i) s += (s.empty() ? "" : " ") + w[i];
      return s;
    };
    if (parts.size() == 1) {
      // "First von Last": von is the run of lower-case words before the last word.
      std::vector<std::string> w = split_words(parts[0], ' ');
      if (w.size() == 1) {
        n.last = w[0];
      } else {
        size_t last = w.size() - 1;
        size_t von = last;
        while (von > 0 && starts_lower(w[von - 1])) --von;
        size_t first_end = von;
        for (size_t i = 0; i < last; ++i)
          if (starts_lower(w[i])) {
            first_end = i;
            break;
          }
        n.first = join_words(w, 0, first_end);
        n.von = join_words(w, first_end, last);
        n.last = w[last];
      }
    } else {
      // "von Last, First" or "von Last, Jr, First".
      std::vector<std::string> w = split_words(parts[0], ' ');
      size_t von_end = 0;
      while (von_end + 1 < w.size() && starts_lower(w[von_end])) ++von_end;
      n.von = join_words(w, 0, von_end);
      n.last = join_words(w, von_end, w.size());
      if (parts.size() == 2) n.first = parts[1];
      else {
        n.jr = parts[1];
        n.first = parts[2];
      }
    }
    out.push_back(n);
  }
  return out;
}

}  // namespace waybill::render
