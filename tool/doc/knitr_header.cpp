// knitr chunk headers: ```{r label, echo=FALSE, fig.cap="A caption", fig.width=6}.
// The values are R expressions; literals become MetaValues, anything else is kept as
// its source text (knitr would evaluate it; we cannot before cells run).
#include <cctype>

#include "doc/cell_header.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

struct Piece {
  std::string_view text;
  size_t offset;  // in the header
};

// Splits at commas that are outside quotes and brackets.
std::vector<Piece> split_top_level(std::string_view s, size_t base) {
  std::vector<Piece> out;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) {
      out.push_back(Piece{s.substr(start, i - start), base + start});
      start = i + 1;
    }
  }
  out.push_back(Piece{s.substr(start), base + start});
  return out;
}

bool looks_numeric(std::string_view t) {
  if (t.empty()) return false;
  std::string s(t);
  if (s.back() == 'L') s.pop_back();
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0' && !s.empty();
}

std::string unquote_r(std::string_view t) {
  std::string out;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == '\\' && i + 2 < t.size()) {
      char n = t[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else {
      out += t[i];
    }
  }
  return out;
}

}  // namespace

MetaValue parse_r_value(std::string_view text, Pos pos) {
  std::string_view t = trim(text);
  MetaValue v;
  v.pos = pos;
  if (t == "NULL" || t == "NA") return v;
  v.kind = MetaValue::Kind::Scalar;
  if (t == "TRUE" || t == "T") {
    v.scalar = "true";
  } else if (t == "FALSE" || t == "F") {
    v.scalar = "false";
  } else if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'') && t.back() == t.front()) {
    v.scalar = unquote_r(t);
    v.quoted = true;
  } else if (looks_numeric(t)) {
    v.scalar = std::string(t);
    if (v.scalar.back() == 'L') v.scalar.pop_back();
  } else if (t.starts_with("c(") && t.ends_with(")")) {
    v.kind = MetaValue::Kind::List;
    std::string_view inner = t.substr(2, t.size() - 3);
    if (!trim(inner).empty())
      for (const auto& p : split_top_level(inner, 0))
        v.list.push_back(parse_r_value(p.text, Pos{pos.line, pos.col + 2 + static_cast<int>(p.offset)}));
  } else {
    v.scalar = std::string(t);  // an R expression, kept as written
  }
  return v;
}

KnitrHeader parse_knitr_header(std::string_view inside, Pos start, const std::string& file) {
  KnitrHeader h;
  size_t i = 0;
  while (i < inside.size() && std::isspace(static_cast<unsigned char>(inside[i]))) ++i;
  size_t lang_start = i;
  while (i < inside.size() && (std::isalnum(static_cast<unsigned char>(inside[i])) || inside[i] == '_' ||
                               inside[i] == '+' || inside[i] == '-'))
    ++i;
  h.language = to_lower(inside.substr(lang_start, i - lang_start));
  auto at = [&](size_t off) { return Pos{start.line, start.col + static_cast<int>(off)}; };

  bool first = true;
  for (const auto& piece : split_top_level(inside.substr(i), i)) {
    std::string_view p = piece.text;
    size_t lead = p.size() - trim_left(p).size();
    std::string_view body = trim(p);
    size_t off = piece.offset + lead;
    if (body.empty()) {
      first = false;
      continue;
    }
    size_t eq = body.find('=');
    if (eq == std::string_view::npos) {
      if (first) {
        MetaValue label;
        label.kind = MetaValue::Kind::Scalar;
        label.scalar = std::string(body);
        label.pos = at(off);
        h.options.push_back(OptionSetting{"label", label, at(off)});
        first = false;
        continue;
      }
      throw Error(ErrorKind::Document, "chunk option `" + std::string(body) + "` has no value",
                  SourceLoc{file, start.line, at(off).col},
                  "write options as `name=value`, e.g. `echo=FALSE`; only the first item may be a bare label");
    }
    first = false;
    std::string name(trim(body.substr(0, eq)));
    std::string_view value = body.substr(eq + 1);
    size_t value_off = off + eq + 1 + (value.size() - trim_left(value).size());
    if (name.empty()) {
      throw Error(ErrorKind::Document, "chunk option without a name", SourceLoc{file, start.line, at(off).col},
                  "write options as `name=value`");
    }
    h.options.push_back(OptionSetting{name, parse_r_value(value, at(value_off)), at(off)});
  }
  return h;
}

}  // namespace waybill::doc
