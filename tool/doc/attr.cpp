#include "doc/attr.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "util/strings.hpp"

namespace waybill::doc {

bool Attr::has_class(std::string_view c) const {
  for (const auto& k : classes)
    if (k == c) return true;
  return false;
}

const std::string* Attr::value(std::string_view key) const {
  for (const auto& [k, v] : kv)
    if (k == key) return &v;
  return nullptr;
}

namespace {
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' ||
         static_cast<unsigned char>(c) >= 0x80;
}
}  // namespace

std::optional<Attr> parse_attr(std::string_view s) {
  Attr a;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  skip_ws();
  if (i == s.size()) return std::nullopt;
  while (i < s.size()) {
    char c = s[i];
    if (c == '#' || c == '.') {
      size_t start = ++i;
      while (i < s.size() && name_char(s[i])) ++i;
      if (i == start) return std::nullopt;
      std::string name(s.substr(start, i - start));
      if (c == '#') a.id = name;
      else a.classes.push_back(name);
    } else if (c == '-' && (i + 1 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 1])))) {
      a.classes.push_back("unnumbered");  // Pandoc's {-}
      ++i;
    } else if (name_char(c)) {
      size_t start = i;
      while (i < s.size() && name_char(s[i])) ++i;
      std::string key(s.substr(start, i - start));
      if (i >= s.size() || s[i] != '=') return std::nullopt;
      ++i;
      std::string value;
      // Smart punctuation may have curled the quotes of an attribute in running text.
      // After `=` it takes either curl, so both count as opening and closing.
      std::string_view rest = s.substr(i);
      bool curly_double = rest.starts_with("\xE2\x80\x9C") || rest.starts_with("\xE2\x80\x9D");
      bool curly_single = rest.starts_with("\xE2\x80\x98") || rest.starts_with("\xE2\x80\x99");
      if (curly_double || curly_single) {
        size_t end = std::min(s.find(curly_double ? "\xE2\x80\x9D" : "\xE2\x80\x99", i + 3),
                              s.find(curly_double ? "\xE2\x80\x9C" : "\xE2\x80\x98", i + 3));
        if (end == std::string_view::npos) return std::nullopt;
        value = std::string(s.substr(i + 3, end - i - 3));
        i = end + 3;
      } else if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        while (i < s.size() && s[i] != q) {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          value += s[i++];
        }
        if (i >= s.size()) return std::nullopt;
        ++i;
      } else {
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) value += s[i++];
      }
      a.kv.emplace_back(std::move(key), std::move(value));
    } else {
      return std::nullopt;
    }
    if (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) return std::nullopt;
    skip_ws();
  }
  return a;
}

std::optional<Attr> take_trailing_attr(std::string& text) {
  std::string_view t = trim_right(text);
  if (t.empty() || t.back() != '}') return std::nullopt;
  size_t open = t.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  auto attr = parse_attr(t.substr(open + 1, t.size() - open - 2));
  if (!attr) return std::nullopt;
  text.resize(trim_right(t.substr(0, open)).size());
  return attr;
}

std::string slugify(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t start = i;
      char32_t cp = next_code_point(text, i);
      // Keep letters of other scripts; drop typographic punctuation (quotes, dashes).
      bool punct = (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xA0 || cp == 0xFFFD;
      if (!punct) out.append(text.substr(start, i - start));
      continue;
    }
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (c == ' ' || c == '-') out += '-';
    else if (c == '_') out += '_';
    ++i;
  }
  return out;
}

std::optional<std::vector<double>> column_shares(const std::vector<double>& widths) {
  double sum = 0;
  for (double w : widths) {
    if (!(w > 0) || w > 1e6) return std::nullopt;
    sum += w;
  }
  if (widths.empty() || widths.size() > 1000) return std::nullopt;
  std::vector<double> shares;
  for (double w : widths) shares.push_back(w / sum);
  return shares;
}

std::optional<std::vector<double>> parse_column_widths(std::string_view text) {
  std::string t(text);
  for (char& c : t)
    if (c == '[' || c == ']' || c == ',') c = ' ';
  std::vector<double> widths;
  const char* p = t.c_str();
  while (true) {
    while (*p == ' ') ++p;
    if (!*p) break;
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p) return std::nullopt;
    widths.push_back(v);
    p = end;
  }
  return column_shares(widths);
}

}  // namespace waybill::doc
