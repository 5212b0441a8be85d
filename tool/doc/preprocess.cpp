#include "doc/preprocess.hpp"

#include <cctype>

#include "doc/attr.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

struct Line {
  size_t begin, end;  // byte range in the source, without the newline
};

std::vector<Line> line_ranges(std::string_view s) {
  std::vector<Line> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    out.push_back(Line{start, nl});
    start = nl + 1;
  }
  return out;
}

// A code fence opener or closer: up to 3 spaces (more inside list items), then three
// or more backticks or tildes.
bool fence_run(std::string_view line, char& ch, size_t& len, std::string_view& rest) {
  std::string_view t = trim_left(line);
  if (t.size() < 3 || (t[0] != '`' && t[0] != '~')) return false;
  ch = t[0];
  len = 0;
  while (len < t.size() && t[len] == ch) ++len;
  if (len < 3) return false;
  rest = t.substr(len);
  return !(ch == '`' && rest.find('`') != std::string_view::npos);
}

bool div_fence(std::string_view line, size_t& colons, std::string_view& rest) {
  size_t indent = 0;
  while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
  if (indent > 3) return false;
  std::string_view t = line.substr(indent);
  colons = 0;
  while (colons < t.size() && t[colons] == ':') ++colons;
  if (colons < 3) return false;
  rest = trim(t.substr(colons));
  // `::: note :::` closes its own opener line decoratively.
  while (!rest.empty() && rest.back() == ':') rest.remove_suffix(1);
  rest = trim(rest);
  return true;
}

std::optional<Attr> div_attr(std::string_view rest) {
  if (rest.starts_with('{') && rest.ends_with('}')) return parse_attr(rest.substr(1, rest.size() - 2));
  for (char c : rest)
    if (std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
  Attr a;
  a.classes.emplace_back(rest);
  return a;
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Marks code spans (backtick runs and what they enclose) within [begin, end).
void mask_code_spans(std::string_view s, size_t begin, size_t end, std::vector<char>& mask) {
  size_t i = begin;
  while (i < end) {
    if (s[i] != '`' || mask[i]) {
      ++i;
      continue;
    }
    size_t n = 0;
    while (i + n < end && s[i + n] == '`') ++n;
    size_t j = i + n;
    bool closed = false;
    while (j < end) {
      if (s[j] == '`') {
        size_t m = 0;
        while (j + m < end && s[j + m] == '`') ++m;
        if (m == n) {
          for (size_t k = i; k < j + m; ++k) mask[k] = 1;
          i = j + m;
          closed = true;
          break;
        }
        j += m;
      } else {
        ++j;
      }
    }
    if (!closed) i += n;
  }
}

// A math delimiter `\(`, `\)`, `\[`, `\]` at i (the backslash), escaped by an odd run.
bool delimiter_at(std::string_view s, size_t i, char which) {
  if (s[i] != '\\' || i + 1 >= s.size() || s[i + 1] != which) return false;
  size_t run = 0;
  while (run <= i && s[i - run] == '\\') ++run;
  return run % 2 == 1;
}

// Pairs math delimiters within one paragraph-like region [begin, end).
void mark_math_pairs(std::string& s, size_t begin, size_t end, const std::vector<char>& mask) {
  for (auto [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
    size_t i = begin;
    while (i + 1 < end) {
      if (mask[i] || !delimiter_at(s, i, open)) {
        ++i;
        continue;
      }
      size_t before = i;
      while (before > begin && s[before - 1] == '\\') --before;
      if (before > begin && is_word_byte(static_cast<unsigned char>(s[before - 1]))) {
        i += 2;
        continue;
      }
      size_t j = i + 2;
      bool found = false;
      while (j + 1 < end) {
        if (!mask[j] && delimiter_at(s, j, close)) {
          bool word_after = j + 2 < end && is_word_byte(static_cast<unsigned char>(s[j + 2]));
          if (!word_after && j > i + 2) {
            s[i] = kMathMark;
            s[j] = kMathMark;
            found = true;
          }
          break;
        }
        ++j;
      }
      i = found ? j + 2 : i + 2;
    }
  }
}

// A line that may begin a piece: it starts a paragraph or a heading, never a list item,
// a quote, a table row, a caption, an HTML block or indented content.
bool can_start_unit(std::string_view line) {
  if (line.empty()) return false;
  unsigned char c = static_cast<unsigned char>(line[0]);
  if (c == '#') return true;
  if (!std::isalpha(c) && !std::isdigit(c)) return false;
  if (std::isdigit(c)) {  // "1." or "1)" starts an ordered list item
    size_t i = 0;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i < line.size() && (line[i] == '.' || line[i] == ')')) return false;
  }
  return true;
}

// HTML blocks of CommonMark's kinds 1 to 5 run across blank lines until their end marker.
std::string_view html_block_end(std::string_view line) {
  std::string_view t = trim_left(line);
  if (t.starts_with("<!--")) return "-->";
  if (t.starts_with("<?")) return "?>";
  if (t.starts_with("<![CDATA[")) return "]]>";
  if (t.starts_with("<!")) return ">";
  std::string lower = to_lower(t.substr(0, 10));
  for (std::string_view tag : {"<script", "<pre", "<style", "<textarea"})
    if (lower.starts_with(tag)) return lower.starts_with("<pre") ? "</pre>" : tag == "<script" ? "</script>" : tag == "<style" ? "</style>" : "</textarea>";
  return {};
}

bool is_reference_definition(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  if (i >= line.size() || line[i] != '[') return false;
  size_t close = line.find("]:", i);
  return close != std::string_view::npos && close > i + 1;
}

}  // namespace

std::vector<ParseUnit> split_parse_units(std::string_view text, size_t target) {
  std::vector<ParseUnit> units;
  if (text.size() <= target || text.find("[^") != std::string_view::npos) return {ParseUnit{text, 1}};
  std::vector<Line> lines = line_ranges(text);
  size_t unit_begin = 0;
  int unit_line = 1;
  char fence_ch = 0;
  size_t fence_len = 0;
  std::string_view html_end;
  bool previous_blank = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = text.substr(lines[n].begin, lines[n].end - lines[n].begin);
    if (is_reference_definition(line)) return {ParseUnit{text, 1}};
    char ch;
    size_t len;
    std::string_view rest;
    bool blank = is_blank(line);
    if (fence_ch) {
      if (fence_run(line, ch, len, rest) && ch == fence_ch && len >= fence_len && is_blank(rest)) fence_ch = 0;
    } else if (!html_end.empty()) {
      if (line.find(html_end) != std::string_view::npos) html_end = {};
    } else {
      if (previous_blank && lines[n].begin - unit_begin >= target && can_start_unit(line)) {
        units.push_back(ParseUnit{text.substr(unit_begin, lines[n].begin - unit_begin), unit_line});
        unit_begin = lines[n].begin;
        unit_line = static_cast<int>(n) + 1;
      }
      if (fence_run(line, ch, len, rest)) {
        fence_ch = ch;
        fence_len = len;
      } else if (!(html_end = html_block_end(line)).empty() && line.find(html_end, 2) != std::string_view::npos) {
        html_end = {};  // opened and closed on one line
      }
    }
    previous_blank = blank;
  }
  units.push_back(ParseUnit{text.substr(unit_begin), unit_line});
  return units;
}

Preprocessed preprocess_markdown(std::string_view source, int blank_lines) {
  Preprocessed out;
  std::string& s = out.text;
  s.reserve(source.size() + 64);
  std::vector<Line> lines = line_ranges(source);
  std::vector<char> in_code(lines.size(), 0);

  // Pass 1: blank the front matter, find code fences and div fences.
  char fence_ch = 0;
  size_t fence_len = 0;
  std::vector<size_t> open_divs;
  std::vector<std::string> replaced(lines.size());
  std::vector<char> is_replaced(lines.size(), 0);
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = source.substr(lines[n].begin, lines[n].end - lines[n].begin);
    if (static_cast<int>(n) < blank_lines) {
      is_replaced[n] = 1;
      continue;
    }
    char ch;
    size_t len;
    std::string_view rest;
    if (fence_ch) {
      in_code[n] = 1;
      if (fence_run(line, ch, len, rest) && ch == fence_ch && len >= fence_len && is_blank(rest)) fence_ch = 0;
      continue;
    }
    if (fence_run(line, ch, len, rest)) {
      fence_ch = ch;
      fence_len = len;
      in_code[n] = 1;
      continue;
    }
    size_t colons;
    if (div_fence(line, colons, rest)) {
      Pos pos{static_cast<int>(n) + 1, 1};
      if (rest.empty()) {
        if (!open_divs.empty()) {
          open_divs.pop_back();
          replaced[n] = std::string(kDivClose);
          is_replaced[n] = 1;
        }
      } else if (auto attr = div_attr(rest)) {
        replaced[n] = std::string(kDivOpenPrefix) + std::to_string(out.divs.size()) + "-->";
        is_replaced[n] = 1;
        open_divs.push_back(out.divs.size());
        out.divs.push_back(DivFence{std::move(*attr), pos});
      }
    }
  }
  for (size_t d : open_divs) out.unclosed.push_back(out.divs[d].pos);

  // Pass 2: assemble, then mark math delimiters region by region. The marker byte
  // must mean nothing else, so a stray U+0001 in the input becomes U+FFFD.
  std::vector<size_t> starts(lines.size());
  for (size_t n = 0; n < lines.size(); ++n) {
    starts[n] = s.size();
    if (is_replaced[n]) {
      s += replaced[n];
    } else {
      std::string_view line = source.substr(lines[n].begin, lines[n].end - lines[n].begin);
      if (line.find(kMathMark) == std::string_view::npos) s.append(line);
      else s += replace_all(line, std::string_view(&kMathMark, 1), "\xEF\xBF\xBD");
    }
    if (lines[n].end < source.size()) s += '\n';
  }
  if (s.find("\\(") == std::string::npos && s.find("\\[") == std::string::npos) return out;
  std::vector<char> mask(s.size(), 0);
  size_t n = 0;
  while (n < lines.size()) {
    if (in_code[n] || is_replaced[n] || is_blank(std::string_view(s).substr(starts[n], lines[n].end - lines[n].begin))) {
      ++n;
      continue;
    }
    size_t first = n;
    while (n < lines.size() && !in_code[n] && !is_replaced[n] &&
           !is_blank(std::string_view(s).substr(starts[n], lines[n].end - lines[n].begin)))
      ++n;
    size_t begin = starts[first];
    size_t end = n < lines.size() ? starts[n] : s.size();
    mask_code_spans(s, begin, end, mask);
    mark_math_pairs(s, begin, end, mask);
  }
  return out;
}

}  // namespace waybill::doc
