#include <cstdio>

#include "build/syntax_tree.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

// strconv.IsPrint, closely enough: Go escapes controls, separators other than the
// ASCII space, format characters and unassigned surrogates.
bool printable(char32_t c) {
  if (c < 0x20 || c == 0x7F) return false;
  if (c >= 0x80 && c <= 0xA0) return false;
  if (c == 0xAD || c == 0x1680 || c == 0x3000 || c == 0xFEFF) return false;
  if (c >= 0x2000 && c <= 0x200F) return false;
  if (c >= 0x2028 && c <= 0x202F) return false;
  if (c >= 0x205F && c <= 0x206F) return false;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  if (c >= 0xFFF9 && c <= 0xFFFB) return false;
  return c <= 0x10FFFF;
}

void append_hex(std::string& out, const char* format, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

std::string dump_node(const SyntaxNode& node) {
  std::string out = node.keyword;
  if (!node.flags.empty()) {
    out += " [";
    for (size_t i = 0; i < node.flags.size(); ++i) out += (i ? " " : "") + go_quote(node.flags[i]);
    out += "]";
  }
  for (const auto& sub : node.sub) out += " (" + dump_node(sub) + ")";
  for (const auto& arg : node.args) out += " " + go_quote(arg);
  return out;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = next_code_point(s, i);
    bool invalid = c == 0xFFFD && s.substr(start, i - start) != "\xEF\xBF\xBD";
    if (invalid) {
      for (size_t j = start; j < i; ++j) append_hex(out, "\\x%02x", static_cast<unsigned char>(s[j]));
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      default: break;
    }
    if (printable(c)) out.append(s.substr(start, i - start));
    else if (c < 0x80) append_hex(out, "\\x%02x", static_cast<unsigned>(c));
    else if (c < 0x10000) append_hex(out, "\\u%04x", static_cast<unsigned>(c));
    else append_hex(out, "\\U%08x", static_cast<unsigned>(c));
  }
  return out + "\"";
}

std::string dump_syntax(const SyntaxTree& tree) {
  std::string out;
  for (const auto& node : tree.nodes) out += "(" + dump_node(node) + ")\n";
  return out;
}

}  // namespace waybill::build
