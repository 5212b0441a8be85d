#include "build/shell_words.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

constexpr char32_t kEnd = 0xFFFFFFFF;

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// Go's unicode.IsLetter, closely enough for variable names: ASCII letters, and above
// ASCII everything but white space, punctuation blocks and a few Latin-1 symbols.
bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (is_space(c)) return false;
  if (c >= 0xA0 && c <= 0xBF) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  return true;
}

bool is_special_parameter(char32_t c) {
  switch (c) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
      return true;
    default:
      return false;
  }
}

// Words as the shell forms them: white space from the text or from a variable's value
// separates words; quoted text and escaped characters never do.
class WordCollector {
 public:
  void add_char(char32_t c) {
    if (is_space(c)) {
      if (in_word_ && !word_.empty()) {
        words_.push_back(std::move(word_));
        word_.clear();
        in_word_ = false;
      }
      return;
    }
    add_raw_char(c);
  }
  void add_raw_char(char32_t c) {
    append_utf8(word_, c);
    in_word_ = true;
  }
  void add_string(std::string_view s) {
    for (size_t i = 0; i < s.size();) add_char(next_code_point(s, i));
  }
  void add_raw_string(std::string_view s) {
    word_ += s;
    in_word_ = true;
  }
  std::vector<std::string> take() {
    if (!word_.empty()) words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
    return std::move(words_);
  }

 private:
  std::string word_;
  std::vector<std::string> words_;
  bool in_word_ = false;
};

struct Expansion {
  std::string text;
  std::vector<std::string> words;
};

Error shell_error(std::string message) { return Error(ErrorKind::Document, std::move(message)); }

class Expander {
 public:
  Expander(std::string_view input, const EnvLookup& env, const ShellWordOptions& options)
      : env_(env), options_(options) {
    for (size_t i = 0; i < input.size();) chars_.push_back(next_code_point(input, i));
  }

  // Reads up to `stop` (consumed) or the end. Without a stop character the end is
  // fine; with one, reaching the end is an error.
  Expansion process(char32_t stop) {
    Expansion out;
    WordCollector words;
    while (peek() != kEnd) {
      char32_t c = peek();
      if (stop != kEnd && c == stop) {
        next();
        out.words = words.take();
        return out;
      }
      if (c == '\'' || c == '"' || c == '$') {
        std::string part = c == '\'' ? single_quoted() : c == '"' ? double_quoted() : dollar();
        out.text += part;
        if (c == '$') words.add_string(part);
        else words.add_raw_string(part);
        continue;
      }
      c = next();
      if (c == static_cast<char32_t>(options_.escape)) {
        if (options_.raw_escapes) {
          words.add_raw_char(c);
          append_utf8(out.text, c);
        }
        c = next();
        if (c == kEnd) break;  // an escape at the very end is dropped
        words.add_raw_char(c);
      } else {
        words.add_char(c);
      }
      append_utf8(out.text, c);
    }
    if (stop != kEnd)
      throw shell_error(std::string("unexpected end of statement while looking for matching ") +
                        static_cast<char>(stop));
    out.words = words.take();
    return out;
  }

 private:
  char32_t peek() const { return pos_ < chars_.size() ? chars_[pos_] : kEnd; }
  char32_t next() { return pos_ < chars_.size() ? chars_[pos_++] : kEnd; }

  // '...': everything literal; a ' cannot be escaped inside.
  std::string single_quoted() {
    std::string out;
    char32_t c = next();
    if (options_.raw_quotes) append_utf8(out, c);
    for (;;) {
      c = next();
      if (c == kEnd) throw shell_error("unexpected end of statement while looking for matching single-quote");
      if (c == '\'') {
        if (options_.raw_quotes) append_utf8(out, c);
        return out;
      }
      append_utf8(out, c);
    }
  }

  // "...": $ expands; the escape character escapes only ", $ and itself.
  std::string double_quoted() {
    std::string out;
    char32_t c = next();
    if (options_.raw_quotes) append_utf8(out, c);
    for (;;) {
      c = peek();
      if (c == kEnd) throw shell_error("unexpected end of statement while looking for matching double-quote");
      if (c == '"') {
        next();
        if (options_.raw_quotes) append_utf8(out, c);
        return out;
      }
      if (c == '$') {
        out += dollar();
        continue;
      }
      c = next();
      if (c == static_cast<char32_t>(options_.escape)) {
        if (options_.raw_escapes) append_utf8(out, c);
        char32_t after = peek();
        if (after == kEnd) continue;
        if (after == '"' || after == '$' || after == static_cast<char32_t>(options_.escape)) c = next();
      }
      append_utf8(out, c);
    }
  }

  // A name: letters, digits and _; or all the digits of a positional parameter; or one
  // special parameter character.
  std::string name() {
    std::string out;
    while (peek() != kEnd) {
      char32_t c = peek();
      if (out.empty() && is_digit(c)) {
        while (is_digit(peek())) append_utf8(out, next());
        return out;
      }
      if (out.empty() && is_special_parameter(c)) {
        append_utf8(out, next());
        return out;
      }
      if (!is_letter(c) && !is_digit(c) && c != '_') break;
      append_utf8(out, next());
    }
    return out;
  }

  // The word after a modifier, up to the closing brace (variables expand inside it).
  std::string modifier_word() {
    try {
      return process('}').text;
    } catch (const Error&) {
      if (peek() == kEnd) throw shell_error("syntax error: missing '}'");
      throw;
    }
  }

  std::string dollar() {
    next();  // $
    if (peek() != '{') {
      std::string n = name();
      if (n.empty()) return "$";
      return env_(n).value_or("");
    }
    next();  // {
    char32_t c = peek();
    if (c == kEnd) throw shell_error("syntax error: missing '}'");
    if (c == '{' || c == '}' || c == ':') throw shell_error("syntax error: bad substitution");
    std::string n = name();
    c = next();
    if (c == '}') return env_(n).value_or("");
    if (c == '?') {
      std::string word = modifier_word();
      auto value = env_(n);
      if (!value) throw shell_error(n + ": " + (word.empty() ? "is not allowed to be unset" : word));
      return *value;
    }
    if (c == ':') {
      char32_t modifier = next();
      std::string word = modifier_word();
      auto value = env_(n);
      std::string v = value.value_or("");
      switch (modifier) {
        case '+': return v.empty() ? "" : word;
        case '-': return v.empty() ? word : v;
        case '?':
          if (!value) throw shell_error(n + ": " + (word.empty() ? "is not allowed to be unset" : word));
          if (v.empty()) throw shell_error(n + ": " + (word.empty() ? "is not allowed to be empty" : word));
          return v;
        default: {
          std::string m;
          if (modifier != kEnd) append_utf8(m, modifier);
          throw shell_error("unsupported modifier (" + m + ") in substitution");
        }
      }
    }
    std::string m;
    if (c != kEnd) append_utf8(m, c);
    if (c == kEnd) throw shell_error("syntax error: missing '}'");
    throw shell_error("unsupported modifier (" + m + ") in substitution");
  }

  std::u32string chars_;
  size_t pos_ = 0;
  const EnvLookup& env_;
  const ShellWordOptions& options_;
};

}  // namespace

bool is_space(char32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string expand_word(std::string_view word, const EnvLookup& env, const ShellWordOptions& options) {
  return Expander(word, env, options).process(kEnd).text;
}

std::vector<std::string> expand_words(std::string_view text, const EnvLookup& env, const ShellWordOptions& options) {
  return Expander(text, env, options).process(kEnd).words;
}

}  // namespace waybill::build
