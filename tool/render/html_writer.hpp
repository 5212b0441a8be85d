#pragma once
// HTML5 output of the document body, the table of contents and the title-block pieces.
#include <map>
#include <string>

#include "render/writer.hpp"

namespace waybill::render {

class HtmlWriter : public Writer {
 public:
  explicit HtmlWriter(RenderContext& ctx) : Writer(ctx) {}

  // <nav id="TOC"> with headings up to the TOC depth; "" when there are none.
  std::string toc();
  bool uses_math() const { return uses_math_; }

  static std::string escape(std::string_view s, bool attribute = false);
  static void escape_into(std::string& out, std::string_view s, bool attribute = false);

 protected:
  void text(std::string_view s) override { escape_into(out_, s); }

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
  void end_of_body() override;

  void soft_break() override { raw("\n"); }
  void line_break() override { raw("<br>\n"); }
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

  void output_text(std::string_view text, TextKind kind) override;
  bool takes_html() const override { return true; }
  bool output_html(const std::string& html, const CellTable* table) override;
  void missing_table(const CellTable& table) override;
  std::string table_head(const std::vector<doc::Inline>& caption, const std::string& number,
                         const std::vector<double>& widths);
  void output_figures(const doc::Cell& c, const std::vector<FigureRef>& figures,
                      const std::string& figure_number) override;
  void output_files(const std::vector<FileRef>& files) override;

 private:
  void figure_caption(const doc::Cell& c, const std::string& figure_number);
  void attrs(const doc::Attr& a, const std::string& extra_class = {});
  void highlighted(const std::string& code, const std::string& language, const std::string& extra_class = {});
  void toc_entries(const std::vector<doc::Block>& blocks, std::vector<const doc::Block*>& out);
  void tabset(const doc::Block& b);

  bool uses_math_ = false;
  int tabsets_ = 0;
  bool plain_links_ = false;  // inside the TOC: no nested links, no footnote marks
  std::map<int, int> footnote_uses_;
};

}  // namespace waybill::render
