#include "doc/math_extension.hpp"

#include <cmark-gfm.h>
#include <cmark-gfm/chunk.h>  // cmark_chunk, returned by cmark_inline_parser_get_chunk

#include <cctype>
#include <mutex>
#include <string>

#include "doc/preprocess.hpp"

namespace waybill::doc {

namespace {

cmark_node_type g_inline = CMARK_NODE_NONE;
cmark_node_type g_display = CMARK_NODE_NONE;
cmark_syntax_extension* g_ext = nullptr;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The inline parser's text, read with bounds (0 past the end; cmark has already
// replaced NUL bytes, so 0 means the end).
struct Subject {
  const cmark_chunk* chunk;
  unsigned char operator[](int i) const { return i >= 0 && i < chunk->len ? chunk->data[i] : 0; }
};

// Finds the end of `$...$` starting after the opening dollar at `from`. Pandoc's rule:
// the opener is followed by a non-space, the closer preceded by a non-space and not
// followed by a digit (so "$5 and $10" stays text).
int find_inline_dollar_close(const Subject& d, int from) {
  if (d[from] == 0 || is_space(d[from]) || d[from] == '$') return -1;
  for (int i = from; d[i] != 0; ++i) {
    if (d[i] == '\\') {
      if (d[i + 1] == 0) return -1;
      ++i;
      continue;
    }
    if (d[i] == '\n' && d[i + 1] == '\n') return -1;
    if (d[i] == '$') {
      if (is_space(d[i - 1])) continue;
      if (std::isdigit(d[i + 1])) continue;
      return i;
    }
  }
  return -1;
}

int find_pair(const Subject& d, int from, unsigned char a, unsigned char b) {
  for (int i = from; d[i] != 0; ++i) {
    if (a == '$' && d[i] == '\\') {
      if (d[i + 1] == 0) return -1;
      ++i;
      continue;
    }
    if (d[i] == a && d[i + 1] == b) return i;
  }
  return -1;
}

cmark_node* make_math(cmark_syntax_extension* ext, cmark_node_type type, const Subject& d, int begin, int end) {
  std::string tex;
  tex.reserve(static_cast<size_t>(end - begin));
  for (int i = begin; i < end; ++i) {
    char c = static_cast<char>(d[i]);
    tex += c == kMathMark ? '\\' : c;
  }
  cmark_node* node = cmark_node_new_with_mem_and_ext(type, cmark_get_default_mem_allocator(), ext);
  cmark_node_set_string_content(node, tex.c_str());
  return node;
}

cmark_node* match(cmark_syntax_extension* ext, cmark_parser*, cmark_node*, unsigned char c,
                  cmark_inline_parser* ip) {
  Subject d{cmark_inline_parser_get_chunk(ip)};
  int at = cmark_inline_parser_get_offset(ip);
  if (c == '$') {
    if (d[at + 1] == '$') {
      int close = find_pair(d, at + 2, '$', '$');
      if (close < 0 || close == at + 2) return nullptr;
      cmark_node* n = make_math(ext, g_display, d, at + 2, close);
      cmark_inline_parser_set_offset(ip, close + 2);
      return n;
    }
    int close = find_inline_dollar_close(d, at + 1);
    if (close < 0) return nullptr;
    cmark_node* n = make_math(ext, g_inline, d, at + 1, close);
    cmark_inline_parser_set_offset(ip, close + 1);
    return n;
  }
  if (c == static_cast<unsigned char>(kMathMark) && (d[at + 1] == '(' || d[at + 1] == '[')) {
    bool display = d[at + 1] == '[';
    int close = find_pair(d, at + 2, static_cast<unsigned char>(kMathMark), display ? ']' : ')');
    if (close < 0) return nullptr;
    cmark_node* n = make_math(ext, display ? g_display : g_inline, d, at + 2, close);
    cmark_inline_parser_set_offset(ip, close + 2);
    return n;
  }
  return nullptr;
}

const char* type_string(cmark_syntax_extension*, cmark_node* node) {
  return cmark_node_get_type(node) == g_display ? "math_display" : "math_inline";
}

}  // namespace

cmark_syntax_extension* math_extension() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_inline = cmark_syntax_extension_add_node(1);
    g_display = cmark_syntax_extension_add_node(1);
    g_ext = cmark_syntax_extension_new("waybill-math");
    cmark_syntax_extension_set_match_inline_func(g_ext, match);
    cmark_syntax_extension_set_get_type_string_func(g_ext, type_string);
    cmark_mem* mem = cmark_get_default_mem_allocator();
    cmark_llist* chars = nullptr;
    chars = cmark_llist_append(mem, chars, reinterpret_cast<void*>(static_cast<uintptr_t>('$')));
    chars = cmark_llist_append(mem, chars, reinterpret_cast<void*>(static_cast<uintptr_t>(kMathMark)));
    cmark_syntax_extension_set_special_inline_chars(g_ext, chars);
  });
  return g_ext;
}

cmark_node_type math_inline_type() { return g_inline; }
cmark_node_type math_display_type() { return g_display; }

}  // namespace waybill::doc
