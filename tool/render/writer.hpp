#pragma once
// The shared writer core (cmark's render.c): one walk over the document model for every
// output format. The walk resolves what is the same everywhere (citations, cross-reference
// numbers, the reference list, cell visibility) and calls one virtual method per node
// kind; each format supplies escaping and node output.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/model.hpp"
#include "exec/cell_result.hpp"
#include "exec/executor.hpp"
#include "render/bibliography.hpp"
#include "render/crossref.hpp"
#include "render/highlight.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::render {

struct WriterOptions {
  bool toc = false;
  int toc_depth = 3;
  bool number_sections = false;
  bool self_contained = false;
};

// The reference to write for an image (a path or a URI), or nullopt when the image
// cannot be used (the resolver has said why). Both writers use it, so a document
// behaves the same in HTML and PDF.
using ImageResolver = std::function<std::optional<std::string>(const std::string& src, doc::Pos pos)>;

// Writes a file a cell produced (a figure, a file from its output directory) where the
// output's assets go, under `name` ("figures/fig-drift-1.png"), and returns the
// reference to write; nullopt when it cannot be used (the reason has been reported).
using AssetWriter = std::function<std::optional<std::string>(const std::string& name, std::string_view bytes)>;

struct RenderContext {
  const doc::Document& doc;
  const CrossRefs& refs;
  const Bibliography& bib;
  Highlighter& highlighter;
  Reporter& reporter;
  WriterOptions options;
  ImageResolver resolve_image;
  const exec::Results* results = nullptr;  // nullptr: nothing ran (--no-execute)
  AssetWriter write_asset;
};

class Writer {
 public:
  explicit Writer(RenderContext& ctx) : ctx_(ctx) {}
  virtual ~Writer() = default;

  // The whole body: blocks, then what the format puts after them (footnotes, references).
  std::string body();
  std::string inlines_to_string(const std::vector<doc::Inline>& v);
  std::string blocks_to_string(const std::vector<doc::Block>& v);
  // (output line, document line) pairs, in output order, for mapping errors back.
  const std::vector<std::pair<int, int>>& line_map() const { return line_map_; }

 protected:
  void blocks(const std::vector<doc::Block>& v);
  void block(const doc::Block& b);
  void inlines(const std::vector<doc::Inline>& v);
  void inline_node(const doc::Inline& in);

  // Output.
  void raw(std::string_view s) { out_ += s; }
  virtual void text(std::string_view s) = 0;  // escaped for the format

  // Blocks.
  virtual void paragraph(const doc::Block& b) = 0;
  virtual void heading(const doc::Block& b, const std::string& number) = 0;
  virtual void block_quote(const doc::Block& b) = 0;
  virtual void list(const doc::Block& b) = 0;
  virtual void code_block(const doc::Block& b) = 0;
  virtual void html_block(const doc::Block& b) = 0;
  virtual void thematic_break() = 0;
  virtual void table(const doc::Block& b, const std::string& number) = 0;
  virtual void math_block(const doc::Block& b, const std::string& number) = 0;
  virtual void div(const doc::Block& b) = 0;
  virtual void callout(const doc::Block& b) = 0;
  virtual void figure(const doc::Block& b, const std::string& number) = 0;
  virtual void cell(const doc::Cell& c, const std::string& figure_number) = 0;
  virtual void environment(const doc::Block& b) = 0;  // a Dockerfile block or the manifest
  virtual void references(const std::vector<Bibliography::Reference>& refs, bool add_heading) = 0;
  virtual void end_of_body() {}

  // Inlines.
  virtual void soft_break() = 0;
  virtual void line_break() = 0;
  virtual void code(const doc::Inline& in) = 0;
  virtual void emph(const doc::Inline& in) = 0;
  virtual void strong(const doc::Inline& in) = 0;
  virtual void strike(const doc::Inline& in) = 0;
  virtual void link(const doc::Inline& in) = 0;
  virtual void image(const doc::Inline& in) = 0;
  virtual void raw_html(const doc::Inline& in) = 0;
  virtual void math(const doc::Inline& in, bool display) = 0;
  virtual void footnote_ref(const doc::Inline& in) = 0;
  virtual void citation(const doc::Inline& in, const std::vector<doc::Inline>& rendered) = 0;
  // A resolved cross-reference: "Figure 2" pointing at `id`; `known` is false when the
  // label does not exist (then `label` is "?@fig-x").
  virtual void cross_ref(const std::string& id, const std::string& label, bool known) = 0;
  virtual void inline_cell(const doc::Inline& in) = 0;

  // A cell's outputs, in order, as its options say (output: false hides them; asis
  // reads stdout as Markdown). Text goes to output_text, HTML to output_html where the
  // format takes it, figures and image files to output_figures, other files to
  // output_files.
  void cell_outputs(const doc::Cell& c, const exec::CellResult& r, const std::string& figure_number);
  enum class TextKind { Stdout, Stderr, Result, Error };
  virtual void output_text(std::string_view text, TextKind kind) = 0;
  virtual bool takes_html() const { return false; }
  // HTML a cell returned. `table`, when given, is the cell's table (its label, tbl-cap
  // and tbl-colwidths) for the first <table> in it; returns whether one took it.
  struct CellTable {
    const doc::Cell& cell;
    std::string number;  // "" when the label is not tbl-
  };
  virtual bool output_html(const std::string& html, const CellTable* table) {
    (void)html, (void)table;
    return false;
  }
  // A tbl- cell that made no table, or has not run: its caption, and its label's target.
  virtual void missing_table(const CellTable& table) { (void)table; }
  struct FigureRef {
    std::string src;     // what write_asset returned
    std::string format;  // png, svg, jpg, pdf
  };
  virtual void output_figures(const doc::Cell& c, const std::vector<FigureRef>& figures,
                              const std::string& figure_number) = 0;
  struct FileRef {
    std::string name, href;
  };
  virtual void output_files(const std::vector<FileRef>& files) = 0;
  // The result of an inline expression, or nullptr when it did not run.
  const exec::CellResult* inline_result(const doc::Inline& in) const;
  // The value an inline expression shows: its text/plain value.
  static std::string inline_value(const exec::CellResult& r);

  // Shared helpers.
  std::string number_of(const std::string& id) const;
  // Whether the document ends with its own "References" heading, so that the list
  // goes under it rather than under a new one.
  bool ends_with_references_heading() const;

  RenderContext& ctx_;
  std::string out_;
  bool track_lines_ = false;  // keep line_map(); only LaTeX needs it, and it costs a scan

 private:
  int output_line();
  std::vector<std::pair<int, int>> line_map_;
  size_t counted_ = 0;
  int lines_ = 1;
};

}  // namespace waybill::render
