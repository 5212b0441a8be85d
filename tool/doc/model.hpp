#pragma once
// The document model every later stage reads (Pandoc's "one document model"): the
// Markdown reader produces it, plan/exec add results, and the writers walk it.
// Blocks and inlines are tagged structs rather than variants so that one shared walk in
// render/ can serve every writer; each field says for which kinds it is used.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/cell_options.hpp"
#include "doc/meta.hpp"
#include "util/source_loc.hpp"

namespace waybill::doc {

// Pandoc-style attributes: {#id .class key=value}.
struct Attr {
  std::string id;
  std::vector<std::string> classes;
  std::vector<std::pair<std::string, std::string>> kv;

  bool has_class(std::string_view c) const;
  const std::string* value(std::string_view key) const;
  bool empty() const { return id.empty() && classes.empty() && kv.empty(); }
};

struct Citation {
  std::string key;
  std::string prefix;   // "see" in [see @doe99, p. 3]
  std::string suffix;   // "p. 3"
  bool suppress_author = false;  // [-@doe99]
  Pos pos;
};

enum class InlineKind : uint8_t {
  Text,         // text
  SoftBreak,
  LineBreak,
  Code,         // text
  Emph,         // children
  Strong,       // children
  Strike,       // children
  Link,         // children, target, title
  Image,        // children (alt), target, title, attr
  RawHtml,      // text
  Math,         // text (TeX source)
  DisplayMath,  // text
  FootnoteRef,  // number: index into Document::footnotes (1-based)
  Citation,     // cites, narrative
  CrossRef,     // target = label ("sec-intro"), suppress via narrative=false
  InlineCell,   // text = code, target = language
};

struct Inline {
  InlineKind kind = InlineKind::Text;
  std::string text;
  std::string target;
  std::string title;
  std::vector<Inline> children;
  std::vector<Citation> cites;
  Attr attr;
  bool narrative = false;  // @key (narrative) rather than [@key]
  int number = 0;
  Pos pos;
};

// A text inline: what readers make most.
inline Inline text_inline(std::string_view text, Pos pos = {}) {
  Inline t;
  t.text = std::string(text);
  t.pos = pos;
  return t;
}

enum class Align : uint8_t { Default, Left, Center, Right };

struct TableCell {
  std::vector<Inline> content;
};

enum class BlockKind : uint8_t {
  Paragraph,      // inlines
  Heading,        // level, inlines, attr (id, .unnumbered)
  BlockQuote,     // children
  BulletList,     // children (ListItem), tight
  OrderedList,    // children (ListItem), tight, start
  ListItem,       // children, task (when a task list item)
  CodeBlock,      // text, info (language) — shown, never run
  HtmlBlock,      // text
  ThematicBreak,
  Table,          // aligns, rows (first header_rows are the header), caption, attr
  MathBlock,      // text, attr (#eq-…)
  Div,            // children, attr
  Callout,        // children, info = note|tip|warning|caution|important, caption = title
  Figure,         // caption, attr; image in `inlines` (one Image inline)
  Cell,           // ref = index into Document::cells
  ImageSpec,      // ref = index into Document::images (a Dockerfile block)
  Manifest,       // the manifest block (Document::manifest)
};

enum class TaskState : uint8_t { None, Open, Done };

struct Block {
  BlockKind kind = BlockKind::Paragraph;
  int level = 0;
  Attr attr;
  std::vector<Inline> inlines;
  std::vector<Block> children;
  std::string text;
  std::string info;
  std::vector<Inline> caption;
  bool tight = true;
  int start = 1;
  TaskState task = TaskState::None;
  std::vector<Align> aligns;
  std::vector<double> widths;  // Table: columns' shares of the width (tbl-colwidths), or empty
  std::vector<std::vector<TableCell>> rows;
  int header_rows = 0;
  size_t ref = 0;
  Pos pos;
};

// An executable cell: ```{python}, ```{r label, echo=FALSE}, ```{bash}.
struct Cell {
  size_t index = 0;
  std::string language;   // lower case: "python", "r", "bash"
  std::string code;       // without the `#|` option lines
  std::string info;       // the fence's info string, as written
  CellOptions options;
  Pos fence;              // the opening fence
  int code_line = 0;      // the document line of the first line of `code`
  std::string stored_outputs;  // a notebook's cell: the outputs it was saved with (nbformat JSON), or ""

  // Its label, or "cell-N" (1-based) for a cell without one: how pages, output folders
  // and provenance records name it.
  std::string name() const { return options.label.empty() ? "cell-" + std::to_string(index + 1) : options.label; }
  // The id of the figure it makes: its fig- label, or (knitr's labels have no prefix) a
  // captioned cell's label after "fig-", as bookdown's \@ref(fig:x) names it; "" for none.
  std::string figure_id() const {
    if (options.label.starts_with("fig-")) return options.label;
    return options.label.empty() || options.fig_cap.empty() ? "" : "fig-" + options.label;
  }
};

// A Dockerfile block: ```dockerfile {#name}.
struct ImageBlock {
  std::string name;
  std::string dockerfile;
  Pos fence;
  int first_line = 0;     // the document line of the Dockerfile's first line
  bool echo = true;
};

// The manifest: ```yaml {.manifest}. Parsed here; its schema belongs to plan/.
struct ManifestBlock {
  std::string text;
  MetaValue value;
  Pos fence;
  int first_line = 0;
  bool echo = true;
};

struct Author {
  std::string name;
  std::vector<std::string> affiliations;
  std::string email;
  std::string orcid;
};

// Options that may be set at the top level or per format (`format: {html: {toc: true}}`,
// `output: {pdf_document: {toc: true}}`).
struct FormatOptions {
  std::optional<bool> toc;
  std::optional<int> toc_depth;
  std::optional<bool> number_sections;
  std::optional<std::string> template_path;
  std::optional<bool> self_contained;
};

struct Metadata {
  bool present = false;
  int first_line = 0, last_line = 0;   // the `---` lines
  MetaValue raw;                        // every key, unknown ones included
  std::vector<Inline> title, subtitle, date;
  std::vector<Block> abstract;
  std::vector<Author> authors;
  std::vector<std::string> keywords, tags;
  std::string lang;
  std::vector<std::string> bibliography;
  Pos bibliography_pos;
  std::string layout, permalink;
  bool author_profile = false;
  FormatOptions common;
  std::vector<std::string> formats;                 // as requested, in order: html, pdf, latex
  std::map<std::string, FormatOptions> per_format;  // keyed by html, pdf, latex

  // The reserved `waybill:` key (this tool's own settings), or nullptr.
  const MetaValue* waybill() const { return raw.get("waybill"); }

  // The options for one output format: per-format settings over common ones.
  FormatOptions options_for(const std::string& format) const;
};

struct Document {
  std::string path;        // as given on the command line
  std::string source;      // the whole text, as read
  Metadata meta;
  std::vector<Block> blocks;
  std::vector<Cell> cells;
  std::vector<ImageBlock> images;
  std::optional<ManifestBlock> manifest;
  std::vector<std::vector<Block>> footnotes;  // footnote n is footnotes[n - 1]

  SourceLoc loc(Pos p) const { return SourceLoc{path, p.line, p.col}; }
};

}  // namespace waybill::doc
