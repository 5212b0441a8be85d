#include "doc/math_extension.hpp"

#include <cmark-gfm.h>
#include <cmark-gfm/chunk.h>  // cmark_chunk, returned by cmark_inline_parser_get_chunk
#include <cmark-gfm/node.h>   // cmark_node_mem

#include <cctype>
#include <mutex>
#include <cstdint>
#include <string>

#include "doc/preprocess.hpp"

namespace waybill::doc {

namespace {

cmark_syntax_extension* g_ext = nullptr;

// Tags a display-math node (user data is otherwise unused and never freed by cmark).
void* const kDisplay = reinterpret_cast<void*>(static_cast<uintptr_t>(1));

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

// Math travels as a code-span node tagged with this extension: cmark-gfm's table cells
// accept only a fixed list of node types, and a code span is one of them.
cmark_node* make_math(cmark_syntax_extension* ext, cmark_mem* mem, bool display, const Subject& d, int begin,
                      int end) {
  std::string tex;
  tex.reserve(static_cast<size_t>(end - begin));
  for (int i = begin; i < end; ++i) {
    char c = static_cast<char>(d[i]);
    tex += c == kMathMark ? '\\' : c;
  }
  cmark_node* node = cmark_node_new_with_mem(CMARK_NODE_CODE, mem);
  cmark_node_set_literal(node, tex.c_str());
  cmark_node_set_syntax_extension(node, ext);
  if (display) cmark_node_set_user_data(node, kDisplay);
  return node;
}

cmark_node* match(cmark_syntax_extension* ext, cmark_parser*, cmark_node* parent, unsigned char c,
                  cmark_inline_parser* ip) {
  Subject d{cmark_inline_parser_get_chunk(ip)};
  cmark_mem* mem = cmark_node_mem(parent);  // the parser's allocator, which may be an arena
  int at = cmark_inline_parser_get_offset(ip);
  if (c == '$') {
    if (d[at + 1] == '$') {
      int close = find_pair(d, at + 2, '$', '$');
      if (close < 0 || close == at + 2) return nullptr;
      cmark_node* n = make_math(ext, mem, true, d, at + 2, close);
      cmark_inline_parser_set_offset(ip, close + 2);
      return n;
    }
    int close = find_inline_dollar_close(d, at + 1);
    if (close < 0) return nullptr;
    cmark_node* n = make_math(ext, mem, false, d, at + 1, close);
    cmark_inline_parser_set_offset(ip, close + 1);
    return n;
  }
  if (c == static_cast<unsigned char>(kMathMark) && (d[at + 1] == '(' || d[at + 1] == '[')) {
    bool display = d[at + 1] == '[';
    int close = find_pair(d, at + 2, static_cast<unsigned char>(kMathMark), display ? ']' : ')');
    if (close < 0) return nullptr;
    cmark_node* n = make_math(ext, mem, display, d, at + 2, close);
    cmark_inline_parser_set_offset(ip, close + 2);
    return n;
  }
  return nullptr;
}

}  // namespace

cmark_syntax_extension* math_extension() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_ext = cmark_syntax_extension_new("waybill-math");
    cmark_syntax_extension_set_match_inline_func(g_ext, match);
    cmark_mem* mem = cmark_get_default_mem_allocator();
    cmark_llist* chars = nullptr;
    chars = cmark_llist_append(mem, chars, reinterpret_cast<void*>(static_cast<uintptr_t>('$')));
    chars = cmark_llist_append(mem, chars, reinterpret_cast<void*>(static_cast<uintptr_t>(kMathMark)));
    cmark_syntax_extension_set_special_inline_chars(g_ext, chars);
  });
  return g_ext;
}

std::optional<bool> math_node_display(cmark_node* node) {
  if (cmark_node_get_type(node) != CMARK_NODE_CODE || cmark_node_get_syntax_extension(node) != g_ext || !g_ext)
    return std::nullopt;
  return cmark_node_get_user_data(node) == kDisplay;
}

}  // namespace waybill::doc
