#include "doc/unsupported.hpp"

#include <cctype>
#include <map>

#include "util/report.hpp"

namespace waybill::doc {

namespace {

const char* const kNoEffect = "it has no effect";

}  // namespace

std::optional<std::string> unimplemented_cell_option(const std::string& name) {
  static const std::map<std::string, std::string> options = {
      {"child", "the child document is not read; copy its text into this document"},
      {"code-line-numbers", "the code is shown without line numbers"},
      {"code-overflow", kNoEffect},
      {"collapse", "source and output are shown apart"},
      {"fig-subcap", "the figures are shown one after another, under the cell's caption"},
      {"layout-ncol", "the figures are shown one after another"},
      {"layout-nrow", "the figures are shown one after another"},
      {"fig-show", "every figure is shown where the cell ends"},
      {"fig-keep", "every figure is kept"},
      {"fig-align", kNoEffect},
      {"fig-pos", kNoEffect},
      {"fig-dpi", kNoEffect},
      {"dpi", kNoEffect},
      {"fig-env", kNoEffect},
      {"fig-responsive", kNoEffect},
      {"out-width", kNoEffect},
      {"out-height", kNoEffect},
      {"dev", "figures are PNG, or SVG with fig-format"},
      {"comment", "outputs are shown without a comment prefix"},
      {"prompt", kNoEffect},
      {"tidy", "the code is shown as written"},
      {"highlight", "the code is highlighted"},
      {"size", kNoEffect},
      {"background", kNoEffect},
      {"classes", kNoEffect},
      {"class-output", kNoEffect},
      {"class-source", kNoEffect},
      {"attr-output", kNoEffect},
      {"attr-source", kNoEffect},
      {"column", kNoEffect},
      {"filename", kNoEffect},
      {"lst-label", "the code is not a numbered listing"},
      {"lst-cap", "the code is not a numbered listing"},
      {"purl", kNoEffect},
      {"engine", "the cell's language is read from its fence"},
      {"strip-white", kNoEffect},
      {"cache-lazy", kNoEffect},
      {"dependson", "waybill's cache key already covers the cells before this one"},
      {"autodep", "waybill's cache key already covers the cells before this one"},
      {"ref-label", "the cell's own code is run"},
      {"opts-label", kNoEffect},
      {"r-options", kNoEffect},
  };
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> unimplemented_front_matter_key(const std::string& key) {
  static const std::map<std::string, std::string> keys = {
      {"theme", "waybill's own theme is used; `template:` replaces the page"},
      {"css", "use `template:` with a template that links the stylesheet"},
      {"highlight-style", "waybill's highlighting colours are used"},
      {"highlight", "waybill's highlighting colours are used"},
      {"code-tools", kNoEffect},
      {"code-line-numbers", kNoEffect},
      {"code_folding", "code is shown unfolded"},
      {"df-print", kNoEffect},
      {"df_print", kNoEffect},
      {"fig-width", "set it on the cells (`execute: {fig-width: ...}`)"},
      {"fig-height", "set it on the cells (`execute: {fig-height: ...}`)"},
      {"fig_width", "set it on the cells (`execute: {fig-width: ...}`)"},
      {"fig_height", "set it on the cells (`execute: {fig-height: ...}`)"},
      {"fig-cap-location", kNoEffect},
      {"tbl-cap-location", kNoEffect},
      {"cap-location", kNoEffect},
      {"fig_caption", kNoEffect},
      {"documentclass", "waybill's LaTeX template is used; `template:` replaces it"},
      {"classoption", kNoEffect},
      {"geometry", kNoEffect},
      {"fontsize", kNoEffect},
      {"mainfont", kNoEffect},
      {"sansfont", kNoEffect},
      {"monofont", kNoEffect},
      {"linestretch", kNoEffect},
      {"papersize", kNoEffect},
      {"pdf-engine", "PDF is made with pdflatex"},
      {"latex_engine", "PDF is made with pdflatex"},
      {"keep-tex", "render with --to latex to keep the LaTeX"},
      {"keep_tex", "render with --to latex to keep the LaTeX"},
      {"keep-md", kNoEffect},
      {"include-in-header", kNoEffect},
      {"include-before-body", kNoEffect},
      {"include-after-body", kNoEffect},
      {"header-includes", kNoEffect},
      {"includes", kNoEffect},
      {"csl", "citations are author-year"},
      {"citation-style", "citations are author-year"},
      {"link-citations", "citations always link to their reference"},
      {"citation_package", "citations are author-year"},
      {"cite-method", "citations are author-year"},
      {"reference-location", "notes go at the end"},
      {"citation-location", kNoEffect},
      {"crossref", "cross-references read Figure, Table, Equation and Section"},
      {"number-depth", kNoEffect},
      {"number-offset", kNoEffect},
      {"toc-title", kNoEffect},
      {"toc-location", kNoEffect},
      {"lof", kNoEffect},
      {"lot", kNoEffect},
      {"filters", "no filters are run"},
      {"shortcodes", kNoEffect},
      {"params", "parameters are not supported; `params$...` in a cell fails"},
      {"jupyter", "cells run in the image the manifest names"},
      {"knitr", "cells run in the image the manifest names"},
      {"engine", "cells run in the image the manifest names"},
      {"execute-dir", kNoEffect},
      {"page-layout", kNoEffect},
      {"grid", kNoEffect},
      {"smooth-scroll", kNoEffect},
      {"anchor-sections", "headings always have anchors"},
      {"html-math-method", "math is drawn by KaTeX"},
      {"reference-doc", kNoEffect},
      {"title-block-banner", kNoEffect},
      {"appendix-style", kNoEffect},
      {"footnotes-hover", kNoEffect},
      {"comments", kNoEffect},
      {"lightbox", kNoEffect},
      {"mermaid", kNoEffect},
      {"citeproc", "citations are always processed"},
      {"bibliographystyle", "citations are author-year"},
      {"biblio-style", "citations are author-year"},
      {"natbiboptions", kNoEffect},
      {"biblatexoptions", kNoEffect},
  };
  auto it = keys.find(key);
  if (it == keys.end()) return std::nullopt;
  return it->second;
}

namespace {

class MarkupChecker {
 public:
  MarkupChecker(const Document& doc, Reporter& rep) : doc_(doc), rep_(rep) {}

  void blocks(const std::vector<Block>& v) {
    for (const auto& b : v) block(b);
  }

 private:
  void block(const Block& b) {
    if (b.kind == BlockKind::Div || b.kind == BlockKind::Callout) attributes(b);
    inlines(b.inlines, b.pos);
    inlines(b.caption, b.pos);
    for (const auto& row : b.rows)
      for (const auto& cell : row) inlines(cell.content, b.pos);
    blocks(b.children);
  }

  void attributes(const Block& b) {
    SourceLoc at = doc_.loc(b.pos);
    for (const auto& c : b.attr.classes) {
      if (c.starts_with("column-"))
        rep_.warn("page columns (`." + c + "`) are not supported yet; the content stays in the text column", at);
      else if (c == "content-visible" || c == "content-hidden")
        rep_.warn("conditional content (`." + c + "`) is not supported yet; it is shown in every format", at);
    }
    for (const auto& [key, value] : b.attr.kv) {
      if (key == "layout-ncol" || key == "layout-nrow" || key == "layout" || key == "layout-valign")
        rep_.warn("figure layouts (`" + key + "`) are not supported yet; the figures are shown one after another", at);
      else if (b.kind == BlockKind::Callout && (key == "appearance" || key == "icon"))
        rep_.warn("the callout attribute `" + key + "` is not supported yet; it has no effect", at);
    }
  }

  void inlines(const std::vector<Inline>& v, Pos fallback) {
    for (const auto& in : v) {
      if (in.kind == InlineKind::Text) shortcodes(in.text, in.pos.line ? in.pos : fallback);
      inlines(in.children, fallback);
    }
  }

  // Quarto's `{{< name args >}}` and Hugo's `{{% name %}}`.
  void shortcodes(const std::string& text, Pos at) {
    for (size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", open + 2)) {
      size_t p = open + 2;
      if (p >= text.size() || (text[p] != '<' && text[p] != '%')) continue;
      ++p;
      while (p < text.size() && text[p] == ' ') ++p;
      size_t end = p;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_'))
        ++end;
      if (end == p) continue;
      std::string name = text.substr(p, end - p);
      std::string hint = name == "include" ? "put the include on a line of its own: then it is read" : std::string();
      rep_.warn("the shortcode `" + name + "` is not supported yet; it is shown as written", doc_.loc(at), hint);
    }
  }

  const Document& doc_;
  Reporter& rep_;
};

}  // namespace

void report_unsupported_markup(const Document& doc, Reporter& reporter) {
  MarkupChecker check(doc, reporter);
  check.blocks(doc.blocks);
  for (const auto& note : doc.footnotes) check.blocks(note);
}

}  // namespace waybill::doc
