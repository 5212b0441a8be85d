#include "doc/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/node.h>  // direct access to node text; the header ships with the library

#include <cstring>
#include <iterator>
#include <mutex>

#include "doc/attr.hpp"
#include "doc/citations.hpp"
#include "doc/cmark_arena.hpp"
#include "doc/fences.hpp"
#include "doc/inline_notes.hpp"
#include "doc/math_extension.hpp"
#include "doc/preprocess.hpp"
#include "doc/structure.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

// A cmark parser and the tree it produced, both allocated in `arena`.
class CmarkTree {
 public:
  CmarkTree(std::string_view text, CmarkArena& arena) {
    static std::once_flag once;
    std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
    int options = CMARK_OPT_SMART | CMARK_OPT_UNSAFE;
    // cmark's own check runs byte by byte on every line; a quick pass decides whether
    // the input needs its repairs (invalid bytes become U+FFFD) at all.
    if (!is_valid_utf8(text)) options |= CMARK_OPT_VALIDATE_UTF8;
    // Footnote support costs cmark two extra walks over the tree; skip them when no
    // footnote can be there.
    if (text.find("[^") != std::string::npos) options |= CMARK_OPT_FOOTNOTES;
    parser_ = cmark_parser_new_with_mem(options, arena.mem());
    for (const char* name : {"table", "strikethrough", "autolink", "tasklist"})
      cmark_parser_attach_syntax_extension(parser_, cmark_find_syntax_extension(name));
    cmark_parser_attach_syntax_extension(parser_, math_extension());
    cmark_parser_feed(parser_, text.data(), text.size());
    root_ = cmark_parser_finish(parser_);
  }
  CmarkTree(const CmarkTree&) = delete;
  CmarkTree& operator=(const CmarkTree&) = delete;
  // The parser and the tree live in the arena and go with it.
  ~CmarkTree() = default;
  cmark_node* root() const { return root_; }

 private:
  cmark_parser* parser_ = nullptr;
  cmark_node* root_ = nullptr;
};

std::string_view type_name(cmark_node* n) {
  const char* s = cmark_node_get_type_string(n);
  return s ? std::string_view(s) : std::string_view();
}

// Node text, read straight from the node (cmark_node_get_literal would first copy it
// into a NUL-terminated buffer).
std::string_view chunk_view(const cmark_chunk& c) {
  return c.data ? std::string_view(reinterpret_cast<const char*>(c.data), static_cast<size_t>(c.len))
                : std::string_view();
}

std::string literal(cmark_node* n) {
  return std::string(cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ? chunk_view(n->as.code.literal)
                                                                     : chunk_view(n->as.literal));
}

// U+0001 marks a math backslash (preprocess.hpp). In verbatim text it stands for the
// backslash that was there; where Markdown escapes apply, `\(` meant "(".
std::string restore_verbatim(std::string s) {
  if (s.find(kMathMark) != std::string::npos)
    for (char& c : s)
      if (c == kMathMark) c = '\\';
  return s;
}
std::string drop_marks(std::string s) {
  if (s.find(kMathMark) != std::string::npos) std::erase(s, kMathMark);
  return s;
}

class Converter {
 public:
  // `lines` are the document's (preprocessed) lines; cmark's line numbers are relative
  // to the piece being parsed, which starts at document line `line_offset + 1`.
  Converter(Document& doc, const std::vector<std::string_view>& lines, Reporter& rep, bool executable)
      : doc_(doc), rep_(rep), executable_(executable), lines_(lines) {}

  void set_line_offset(int offset) { line_offset_ = offset; }
  // cmark numbers the notes of each parse unit from 1; the document's count from here.
  void set_footnote_offset(size_t offset) { footnote_offset_ = static_cast<int>(offset); }

  std::vector<Block> blocks(cmark_node* parent) {
    Nesting level(*this, parent);
    std::vector<Block> out;
    size_t n_children = 0;
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) ++n_children;
    out.reserve(n_children);
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) block(n, out);
    return out;
  }

 private:
  // Every level of nesting costs frames here and in the writers, which recurse over the
  // tree: 10,000 nested quotes must be an error at their place, not a crash.
  static constexpr int kMaxNesting = 100;
  class Nesting {
   public:
    Nesting(Converter& c, cmark_node* n) : c_(c) {
      if (++c_.depth_ > kMaxNesting) {
        --c_.depth_;
        throw Error(ErrorKind::Document,
                    "Markdown nested more than " + std::to_string(kMaxNesting) +
                        " levels deep (block quotes, lists, emphasis or links)",
                    c_.doc_.loc(c_.start_pos(n)), "flatten it: no reader follows that many levels");
      }
    }
    ~Nesting() { --c_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Converter& c_;
  };

  void block(cmark_node* n, std::vector<Block>& out) {
    cmark_node_type t = cmark_node_get_type(n);
    Block b;
    b.pos = start_pos(n);
    switch (t) {
      case CMARK_NODE_PARAGRAPH:
        b.kind = BlockKind::Paragraph;
        b.inlines = inlines(n);
        break;
      case CMARK_NODE_HEADING:
        b.kind = BlockKind::Heading;
        b.level = cmark_node_get_heading_level(n);
        b.inlines = inlines(n);
        break;
      case CMARK_NODE_BLOCK_QUOTE:
        b.kind = BlockKind::BlockQuote;
        b.children = blocks(n);
        break;
      case CMARK_NODE_LIST:
        b.kind = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? BlockKind::OrderedList : BlockKind::BulletList;
        b.tight = cmark_node_get_list_tight(n);
        b.start = cmark_node_get_list_start(n);
        b.children = blocks(n);
        break;
      case CMARK_NODE_ITEM:
        b.kind = BlockKind::ListItem;
        if (type_name(n) == "tasklist")
          b.task = cmark_gfm_extensions_get_tasklist_item_checked(n) ? TaskState::Done : TaskState::Open;
        b.children = blocks(n);
        break;
      case CMARK_NODE_CODE_BLOCK:
        return code_block(n, out);
      case CMARK_NODE_HTML_BLOCK:
        b.kind = BlockKind::HtmlBlock;
        b.text = restore_verbatim(literal(n));
        break;
      case CMARK_NODE_THEMATIC_BREAK:
        b.kind = BlockKind::ThematicBreak;
        break;
      case CMARK_NODE_FOOTNOTE_DEFINITION:
        // cmark-gfm puts definitions last, in the order of their first reference, which
        // is the number its references carry.
        doc_.footnotes.push_back(blocks(n));
        return;
      default:
        if (type_name(n) == "table") {
          b = table(n);
          break;
        }
        return;  // nothing else reaches here from the extensions we attach
    }
    out.push_back(std::move(b));
  }

  void code_block(cmark_node* n, std::vector<Block>& out) {
    FencedCode code;
    code.fence = start_pos(n);
    code.literal = restore_verbatim(literal(n));
    code.info = restore_verbatim(std::string(chunk_view(n->as.code.info)));
    int length = 0, offset = 0;
    char ch = 0;
    bool fenced = cmark_node_get_fenced(n, &length, &offset, &ch) != 0;
    code.info_col = code.fence.col + length;
    if (fenced && code.fence.line >= 1 && static_cast<size_t>(code.fence.line) <= lines_.size()) {
      std::string_view line = lines_[static_cast<size_t>(code.fence.line) - 1];
      size_t at = code.info.empty() ? std::string_view::npos : line.find(code.info);
      if (at != std::string_view::npos) code.info_col = static_cast<int>(at) + 1;
      check_fence_closed(n, ch, length);
    } else if (!fenced) {
      code.info.clear();  // an indented code block
    }
    add_fenced_block(doc_, code, executable_, out, rep_);
  }

  // cmark lets a fence run to the end of its container when it is never closed; that is
  // almost always a typo that swallows the rest of the document.
  void check_fence_closed(cmark_node* n, char ch, int length) {
    int end = cmark_node_get_end_line(n) + line_offset_;
    int start = cmark_node_get_start_line(n) + line_offset_;
    if (end < 1 || static_cast<size_t>(end) > lines_.size() || end == start) {
      if (end == start) warn_unclosed(n, ch, length);
      return;
    }
    std::string_view last = trim(lines_[static_cast<size_t>(end) - 1]);
    while (!last.empty() && last.front() == '>') last = trim(last.substr(1));
    size_t run = 0;
    while (run < last.size() && last[run] == ch) ++run;
    if (run >= static_cast<size_t>(length) && is_blank(last.substr(run))) return;
    warn_unclosed(n, ch, length);
  }

  void warn_unclosed(cmark_node* n, char ch, int length) {
    std::string fence(static_cast<size_t>(length), ch);
    rep_.warn("code fence is never closed; it runs to the end of its section", doc_.loc(start_pos(n)),
              "add a closing " + fence + " line");
  }

  Block table(cmark_node* n) {
    Block b;
    b.kind = BlockKind::Table;
    b.pos = start_pos(n);
    uint16_t ncols = cmark_gfm_extensions_get_table_columns(n);
    uint8_t* aligns = cmark_gfm_extensions_get_table_alignments(n);
    for (uint16_t i = 0; i < ncols; ++i) {
      char a = aligns ? static_cast<char>(aligns[i]) : 0;
      b.aligns.push_back(a == 'l' ? Align::Left : a == 'c' ? Align::Center : a == 'r' ? Align::Right : Align::Default);
    }
    for (cmark_node* row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
      std::vector<TableCell> cells;
      for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
        cells.push_back(TableCell{inlines(cell)});
      cells.resize(ncols);
      if (cmark_gfm_extensions_get_table_row_is_header(row)) ++b.header_rows;
      b.rows.push_back(std::move(cells));
    }
    return b;
  }

  std::vector<Inline> inlines(cmark_node* parent) {
    Nesting level(*this, parent);
    std::vector<Inline> out;
    size_t n_children = 0;
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) ++n_children;
    out.reserve(n_children);
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) inline_node(n, out);
    merge_text(out);
    resolve_citations(out);
    return out;
  }

  void inline_node(cmark_node* n, std::vector<Inline>& out) {
    cmark_node_type t = cmark_node_get_type(n);
    Inline in;
    in.pos = start_pos(n);
    if (std::optional<bool> display = math_node_display(n)) {
      in.kind = *display ? InlineKind::DisplayMath : InlineKind::Math;
      in.text = literal(n);
      out.push_back(std::move(in));
      return;
    }
    switch (t) {
      case CMARK_NODE_TEXT:
        in.kind = InlineKind::Text;
        in.text = drop_marks(literal(n));
        break;
      case CMARK_NODE_SOFTBREAK:
        in.kind = InlineKind::SoftBreak;
        break;
      case CMARK_NODE_LINEBREAK:
        in.kind = InlineKind::LineBreak;
        break;
      case CMARK_NODE_CODE:
        code_span(restore_verbatim(literal(n)), in);
        break;
      case CMARK_NODE_HTML_INLINE:
        in.kind = InlineKind::RawHtml;
        in.text = restore_verbatim(literal(n));
        break;
      case CMARK_NODE_EMPH:
        in.kind = InlineKind::Emph;
        in.children = inlines(n);
        break;
      case CMARK_NODE_STRONG:
        in.kind = InlineKind::Strong;
        in.children = inlines(n);
        break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE:
        in.kind = t == CMARK_NODE_LINK ? InlineKind::Link : InlineKind::Image;
        in.target = drop_marks(std::string(chunk_view(n->as.link.url)));
        in.title = drop_marks(std::string(chunk_view(n->as.link.title)));
        in.children = inlines(n);
        break;
      case CMARK_NODE_FOOTNOTE_REFERENCE:
        in.kind = InlineKind::FootnoteRef;
        in.number = std::atoi(literal(n).c_str()) + footnote_offset_;
        break;
      default:
        if (type_name(n) == "strikethrough") {
          in.kind = InlineKind::Strike;
          in.children = inlines(n);
          break;
        }
        return;
    }
    out.push_back(std::move(in));
  }

  // `r expr` (knitr) and `{python} expr` (Quarto) are inline cells.
  static void code_span(std::string code, Inline& in) {
    in.kind = InlineKind::Code;
    if (code.size() > 2 && code.starts_with("r ")) {
      in.kind = InlineKind::InlineCell;
      in.target = "r";
      in.text = std::string(trim(std::string_view(code).substr(2)));
      return;
    }
    if (code.starts_with('{')) {
      size_t close = code.find('}');
      if (close != std::string::npos && close > 1 && close + 1 < code.size() && code[close + 1] == ' ') {
        std::string lang = to_lower(trim(std::string_view(code).substr(1, close - 1)));
        bool word = !lang.empty() && lang.find_first_of(" .#=") == std::string::npos;
        if (word) {
          in.kind = InlineKind::InlineCell;
          in.target = lang;
          in.text = std::string(trim(std::string_view(code).substr(close + 2)));
          return;
        }
      }
    }
    in.text = std::move(code);
  }

  static void merge_text(std::vector<Inline>& v) {
    size_t w = 0;
    for (size_t r = 0; r < v.size(); ++r) {
      if (w > 0 && v[r].kind == InlineKind::Text && v[w - 1].kind == InlineKind::Text) {
        v[w - 1].text += v[r].text;
        continue;
      }
      if (w != r) v[w] = std::move(v[r]);
      ++w;
    }
    v.resize(w);
  }

  Pos start_pos(cmark_node* n) const {
    return Pos{cmark_node_get_start_line(n) + line_offset_, cmark_node_get_start_column(n)};
  }

  Document& doc_;
  Reporter& rep_;
  bool executable_;
  const std::vector<std::string_view>& lines_;
  int line_offset_ = 0;
  int footnote_offset_ = 0;
  int depth_ = 0;  // of blocks and inlines being converted (Nesting)
};

// Pieces of this size keep cmark's tree (some twenty times the text) within one arena
// chunk, which is reused from one piece to the next.
constexpr size_t kParseUnitBytes = 64 * 1024;

std::vector<Block> convert(Document& doc, std::string_view source, int front_matter_lines, bool executable,
                           Reporter& rep) {
  Preprocessed pre = preprocess_markdown(source, front_matter_lines);
  for (const Pos& p : pre.unclosed)
    rep.warn("fenced div is never closed", doc.loc(p), "add a closing `:::` line");
  std::vector<std::string_view> lines = split_lines(pre.text);
  Converter conv(doc, lines, rep, executable);
  // One piece at a time, in one arena. (Parsing the next piece on a second thread
  // while converting this one was measured slower: the trees cross between caches.)
  CmarkArena arena;
  CmarkArena::Use use(arena);
  std::vector<Block> blocks;
  for (const ParseUnit& unit : split_parse_units(pre.text, kParseUnitBytes)) {
    arena.reset();
    CmarkTree tree(unit.text, arena);
    conv.set_line_offset(unit.first_line - 1);
    conv.set_footnote_offset(doc.footnotes.size());
    std::vector<Block> part = conv.blocks(tree.root());
    if (blocks.empty()) blocks = std::move(part);
    else std::move(part.begin(), part.end(), std::back_inserter(blocks));
  }
  take_inline_notes(blocks, doc.footnotes);
  StructureContext ctx{doc, pre.divs, rep};
  refine_structure(blocks, ctx);
  for (auto& fn : doc.footnotes) refine_structure(fn, ctx);
  return blocks;
}

}  // namespace

void read_markdown_body(Document& doc, int front_matter_lines, Reporter& reporter) {
  doc.blocks = convert(doc, doc.source, front_matter_lines, true, reporter);
}

std::vector<Block> read_markdown_blocks(std::string_view text, const std::string& file, Reporter& reporter) {
  Document scratch;
  scratch.path = file;
  return convert(scratch, text, 0, false, reporter);
}

std::vector<Inline> read_markdown_inlines(std::string_view text, const std::string& file, Reporter& reporter) {
  std::vector<Block> blocks = read_markdown_blocks(text, file, reporter);
  if (blocks.size() == 1 && blocks[0].kind == BlockKind::Paragraph) return std::move(blocks[0].inlines);
  // A title such as "1. Introduction" parses as a list: keep such text as it is.
  Inline plain;
  plain.kind = InlineKind::Text;
  plain.text = std::string(trim(text));
  return {plain};
}

}  // namespace waybill::doc
