#pragma once
// LaTeX output of the document body (article class; the preamble lives in the
// template). pdflatex cannot typeset every Unicode character, so the writer records the
// non-ASCII characters it emits and unicode_fallbacks() declares a replacement for
// each one LaTeX does not know, instead of failing the whole PDF.
#include <set>
#include <string>

#include "render/writer.hpp"

namespace waybill::render {

class LatexWriter : public Writer {
 public:
  explicit LatexWriter(RenderContext& ctx) : Writer(ctx) { track_lines_ = true; }

  std::string escape(std::string_view s);
  // Preamble lines: \WBfallback{char}{hex}{replacement} for each non-ASCII character used.
  std::string unicode_fallbacks() const;
  // A string usable in \label, \hyperref and \hypertarget.
  static std::string label(std::string_view id);

 protected:
  void text(std::string_view s) override { raw(escape(s)); }

  void paragraph(const doc::Block& b) override;
  void heading(const doc::Block& b, const std::string& number) override;
  void block_quote(const doc::Block& b) override;
  void list(const doc::Block& b) override;
  void code_block(const doc::Block& b) override;
  void html_block(const doc::Block& b) override;
  void thematic_break() override;
  void table(const doc::Block& b, const std::string& number) override;
  void math_block(const doc::Block& b, const std::string& number) override;
  void div(const doc::Block& b) override;
  void callout(const doc::Block& b) override;
  void figure(const doc::Block& b, const std::string& number) override;
  void cell(const doc::Cell& c, const std::string& figure_number) override;
  void environment(const doc::Block& b) override;
  void references(const std::vector<Bibliography::Reference>& refs, bool add_heading) override;

  void soft_break() override { raw("\n"); }
  void line_break() override { raw("\\newline\n"); }
  void code(const doc::Inline& in) override;
  void emph(const doc::Inline& in) override;
  void strong(const doc::Inline& in) override;
  void strike(const doc::Inline& in) override;
  void link(const doc::Inline& in) override;
  void image(const doc::Inline& in) override;
  void raw_html(const doc::Inline& in) override;
  void math(const doc::Inline& in, bool display) override;
  void footnote_ref(const doc::Inline& in) override;
  void citation(const doc::Inline& in, const std::vector<doc::Inline>& rendered) override;
  void cross_ref(const std::string& id, const std::string& label, bool known) override;
  void inline_cell(const doc::Inline& in) override;

  void missing_table(const CellTable& table) override;
  void output_text(std::string_view text, TextKind kind) override;
  void output_figures(const doc::Cell& c, const std::vector<FigureRef>& figures,
                      const std::string& figure_number) override;
  void output_files(const std::vector<FileRef>& files) override;

 private:
  void highlighted(const std::string& code, const std::string& language);
  std::string verbatim_escape(std::string_view s);
  void graphics(const doc::Inline& img);
  void caption(const std::vector<doc::Inline>& text, const std::string& number, const std::string& id);

  std::set<char32_t> non_ascii_;
  int footnote_depth_ = 0;
};

}  // namespace waybill::render
