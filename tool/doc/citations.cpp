// Citations and cross-references in running text, Pandoc's syntax:
//   [@doe99]  [@doe99, p. 3]  [see @doe99; @roe05]  [-@doe99]  @doe99  @doe99 [p. 3]
//   @sec-intro  @fig-results  [@tbl-data]  (keys with a sec-, fig-, tbl-, eq- prefix)
// cmark hands these over as plain text; this splits Text inlines around them.
#include "doc/citations.hpp"

#include <cctype>

#include "util/strings.hpp"

namespace waybill::doc {

namespace {

bool key_start(unsigned char c) { return std::isalnum(c) || c == '_'; }
bool key_inner(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == ':' || c == '.' || c == '#' || c == '$' || c == '%' || c == '&' ||
         c == '-' || c == '+' || c == '?' || c == '<' || c == '>' || c == '~' || c == '/';
}

// Reads a key at s[i] (after '@'); internal punctuation only: a key never ends in one.
size_t read_key(std::string_view s, size_t i) {
  if (i >= s.size() || !key_start(static_cast<unsigned char>(s[i]))) return 0;
  size_t j = i;
  while (j < s.size() && key_inner(static_cast<unsigned char>(s[j]))) ++j;
  while (j > i && !std::isalnum(static_cast<unsigned char>(s[j - 1])) && s[j - 1] != '_') --j;
  return j - i;
}

// One item of a bracketed citation: "see @doe99, p. 3" or "-@doe99".
bool parse_item(std::string_view item, Citation& c) {
  size_t at = item.find('@');
  if (at == std::string_view::npos) return false;
  size_t klen = read_key(item, at + 1);
  if (klen == 0) return false;
  std::string_view prefix = item.substr(0, at);
  if (!prefix.empty() && prefix.back() == '-') {
    c.suppress_author = true;
    prefix.remove_suffix(1);
  }
  c.prefix = std::string(trim(prefix));
  c.key = std::string(item.substr(at + 1, klen));
  std::string_view suffix = trim(item.substr(at + 1 + klen));
  if (suffix.starts_with(',')) suffix = trim(suffix.substr(1));
  c.suffix = std::string(suffix);
  return true;
}

// A bracketed group at s[open] == '['; returns its length, 0 when it is not a citation.
size_t parse_group(std::string_view s, size_t open, std::vector<Citation>& cites) {
  size_t close = s.find(']', open);
  if (close == std::string_view::npos) return 0;
  std::string_view inside = s.substr(open + 1, close - open - 1);
  if (inside.find('[') != std::string_view::npos || inside.find('@') == std::string_view::npos) return 0;
  for (auto item : split(inside, ';')) {
    Citation c;
    if (!parse_item(item, c)) return 0;
    // Carries the offset of its '@' in `s` until the caller knows positions.
    c.pos = Pos{0, static_cast<int>(static_cast<size_t>(item.data() - s.data()) + item.find('@'))};
    cites.push_back(std::move(c));
  }
  return close - open + 1;
}

// bookdown's reference types as waybill's label prefixes: fig:x is fig-x, tab:x tbl-x,
// eq:x eq-x; a bare label is a section's id as written. "" when it is not a label.
std::string bookdown_key(std::string_view ref) {
  if (ref.empty() || ref.size() > 200) return "";
  for (char c : ref)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != ':' && c != '.') return "";
  auto colon = ref.find(':');
  if (colon == std::string_view::npos) return std::string(ref);
  std::string_view type = ref.substr(0, colon), label = ref.substr(colon + 1);
  if (label.empty()) return "";
  if (type == "fig") return "fig-" + std::string(label);
  if (type == "tab") return "tbl-" + std::string(label);
  if (type == "eq") return "eq-" + std::string(label);
  return std::string(ref);
}

bool all_crossrefs(const std::vector<Citation>& cites) {
  for (const auto& c : cites)
    if (!is_crossref_key(c.key)) return false;
  return !cites.empty();
}

void split_text(const Inline& text, std::vector<Inline>& out) {
  std::string_view s = text.text;
  size_t emitted = 0;
  auto pos_at = [&](size_t off) { return Pos{text.pos.line, text.pos.col ? text.pos.col + static_cast<int>(off) : 0}; };
  auto flush = [&](size_t upto) {
    if (upto > emitted) out.push_back(text_inline(s.substr(emitted, upto - emitted), pos_at(emitted)));
  };
  size_t i = 0;
  while (i < s.size()) {
    char ch = s[i];
    if (ch == '[') {
      std::vector<Citation> cites;
      size_t len = parse_group(s, i, cites);
      if (len) {
        flush(i);
        for (auto& c : cites) c.pos = pos_at(static_cast<size_t>(c.pos.col));
        Inline in;
        in.pos = pos_at(i);
        if (all_crossrefs(cites)) {
          for (const auto& c : cites) {
            Inline ref;
            ref.kind = InlineKind::CrossRef;
            ref.target = c.key;
            ref.narrative = !c.suppress_author;
            ref.pos = c.pos;
            if (&c != &cites.front()) out.push_back(text_inline(", ", in.pos));
            out.push_back(std::move(ref));
          }
        } else {
          in.kind = InlineKind::Citation;
          in.cites = std::move(cites);
          out.push_back(std::move(in));
        }
        i += len;
        emitted = i;
        continue;
      }
    } else if (ch == '@' && s.substr(i).starts_with("@ref(")) {
      // bookdown's \@ref(fig:x) (CommonMark has taken the backslash): the number alone.
      size_t close = s.find(')', i + 5);
      std::string key = close == std::string_view::npos ? "" : bookdown_key(s.substr(i + 5, close - i - 5));
      if (!key.empty()) {
        flush(i);
        Inline ref;
        ref.kind = InlineKind::CrossRef;
        ref.target = key;
        ref.narrative = false;
        ref.pos = pos_at(i);
        out.push_back(std::move(ref));
        i = close + 1;
        emitted = i;
        continue;
      }
    } else if (ch == '@') {
      bool word_before = i > 0 && (std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '@' ||
                                   static_cast<unsigned char>(s[i - 1]) >= 0x80);
      size_t klen = word_before ? 0 : read_key(s, i + 1);
      if (klen) {
        flush(i);
        std::string key(s.substr(i + 1, klen));
        Inline in;
        in.pos = pos_at(i);
        size_t end = i + 1 + klen;
        if (is_crossref_key(key)) {
          in.kind = InlineKind::CrossRef;
          in.target = key;
          in.narrative = true;
        } else {
          in.kind = InlineKind::Citation;
          in.narrative = true;
          Citation c;
          c.key = key;
          c.pos = in.pos;
          // "@doe99 [p. 3]": a locator in brackets right after a narrative citation.
          if (end + 1 < s.size() && s[end] == ' ' && s[end + 1] == '[') {
            size_t close = s.find(']', end + 2);
            if (close != std::string_view::npos && s.substr(end + 2, close - end - 2).find('@') == std::string_view::npos) {
              c.suffix = std::string(trim(s.substr(end + 2, close - end - 2)));
              end = close + 1;
            }
          }
          in.cites.push_back(std::move(c));
        }
        out.push_back(std::move(in));
        i = end;
        emitted = i;
        continue;
      }
    }
    ++i;
  }
  flush(s.size());
}

}  // namespace

bool is_crossref_key(std::string_view key) {
  for (std::string_view p : {"sec-", "fig-", "tbl-", "eq-", "lst-"})
    if (key.starts_with(p) && key.size() > p.size()) return true;
  return false;
}

void resolve_citations(std::vector<Inline>& inlines) {
  bool any = false;
  for (const auto& in : inlines)
    if ((in.kind == InlineKind::Text && in.text.find('@') != std::string::npos) || !in.children.empty()) any = true;
  if (!any) return;
  std::vector<Inline> out;
  out.reserve(inlines.size());
  for (auto& in : inlines) {
    if (in.kind == InlineKind::Text && in.text.find('@') != std::string::npos) {
      split_text(in, out);
      continue;
    }
    if (in.kind != InlineKind::Link && in.kind != InlineKind::Image) resolve_citations(in.children);
    out.push_back(std::move(in));
  }
  inlines = std::move(out);
}

}  // namespace waybill::doc
