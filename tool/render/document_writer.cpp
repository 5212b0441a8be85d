#include "render/document_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>

#include "doc/model.hpp"
#include "doc/output_format.hpp"
#include "doc/reader.hpp"
#include "exec/executor.hpp"
#include "render/bibliography.hpp"
#include "render/crossref.hpp"
#include "render/highlight.hpp"
#include "render/html_writer.hpp"
#include "render/latex_writer.hpp"
#include "render/outputs.hpp"
#include "render/page_layout.hpp"
#include "render/pdf.hpp"
#include "render/provenance_panel.hpp"
#include "render/template.hpp"
#include "util/build_info.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/install_paths.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::render {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  bool eq = fs::equivalent(a.empty() ? "." : a, b.empty() ? "." : b, ec);
  return !ec && eq;
}

std::string html_escape_attr(std::string_view s) { return HtmlWriter::escape(s, true); }

using Escape = std::function<std::string(std::string_view)>;

// The body is the bulk of a page. Templates get this marker in its place, and the page
// is written as the pieces around it plus the body, so the body is never copied.
constexpr std::string_view kBodyMark = "\x02waybill-body\x02";

std::vector<std::string_view> splice_body(std::string_view page, std::string_view body) {
  size_t at = page.find(kBodyMark);
  if (at == std::string_view::npos) return {page};  // a template without {{body}}
  return {page.substr(0, at), body, page.substr(at + kBodyMark.size())};
}

}  // namespace

class DocumentWriter::Impl {
 public:
  Impl(const doc::Document& doc, const fs::path& input, const PathRoots& roots, const WriteOptions& options,
       Reporter& rep)
      : doc_(doc), opts_(options), layout_(options.layout), rep_(rep), input_(input),
        doc_dir_(input.parent_path()), roots_(roots), highlighter_(templates_dir() / "highlight") {
    bib_.load(doc_, doc_dir_.empty() ? fs::path(".") : doc_dir_, roots_, rep_);
    bib_.collect_citations(doc_, rep_);
    refs_ = CrossRefs::build(doc_);
  }

  std::vector<std::string> formats(const std::vector<std::string>& requested) const {
    if (!requested.empty()) return requested;
    if (!doc_.meta.formats.empty()) return doc_.meta.formats;
    return {"html"};
  }

  RenderedOutput write(const std::string& format) {
    auto t0 = Clock::now();
    const doc::OutputFormat* f = doc::find_output_format(format);
    if (!f)
      throw Error(ErrorKind::Usage, "unknown output format `" + format + "`", {},
                  "waybill writes " + doc::format_names());
    fs::path path = f->name == "html" ? write_html() : f->name == "latex" ? write_latex() : write_pdf();
    return RenderedOutput{doc_.path, std::string(f->name), path.string(), ms_since(t0), {}};
  }

  fs::path output_folder() const {
    return out_dir().empty() ? (doc_dir_.empty() ? fs::path(".") : doc_dir_) : out_dir();
  }

  mutable std::set<fs::path> templates_used_;  // what load_template read, for the record
  std::vector<fs::path> assets_written_;       // beside the outputs, for the record
  Bibliography bib_;
  const exec::Results* results_ = nullptr;

 private:
  WriterOptions writer_options(const std::string& format) const {
    doc::FormatOptions fo = doc_.meta.options_for(format);
    WriterOptions w;
    w.toc = fo.toc.value_or(layout_ != nullptr);  // a site's pages have a TOC unless they say no
    w.toc_depth = fo.toc_depth.value_or(3);
    w.number_sections = fo.number_sections.value_or(false);
    w.self_contained = opts_.self_contained || fo.self_contained.value_or(false);
    return w;
  }

  // The template: --template, else the front matter's (relative to the document), else ours.
  std::pair<std::string, std::string> load_template(const std::string& format) const {
    fs::path path;
    bool from_document = false;
    if (!opts_.template_path.empty()) {
      path = opts_.template_path;
    } else if (layout_ && format == "html") {
      path = layout_->template_path;
    } else if (auto t = doc_.meta.options_for(format).template_path) {
      path = doc_dir_ / *t;
      from_document = true;
    } else {
      path = templates_dir() / (format == "html" ? "html/default.html" : "latex/default.tex");
    }
    try {
      // The document's own template is read beneath its project only (`template:
      // /etc/shadow` must not become the page); the command line's and ours are trusted.
      std::string text = from_document ? read_project_file(roots_, doc_dir_.empty() ? fs::path(".") : doc_dir_,
                                                           *doc_.meta.options_for(format).template_path,
                                                           "the template", template_loc())
                                       : read_file(path);
      std::pair<std::string, std::string> loaded{std::move(text), display_path(path)};
      templates_used_.insert(path);
      return loaded;
    } catch (Error& e) {
      e.with_hint("--template and the `template:` key name a mustache template file");
      throw;
    }
  }

  // Where the front matter names its template, for errors about it.
  SourceLoc template_loc() const {
    const doc::MetaValue* t = doc_.meta.raw.get("template");
    doc::Pos pos = t ? t->pos : doc::Pos{doc_.meta.first_line, 1};
    return doc_.loc(pos);
  }

  // What the writers see: the document, its results, and where images and the files
  // cells produced go (through `images`, which outlives the context).
  RenderContext context(const WriterOptions& wo, ImageAssets& images, const std::string& assets_name) {
    return RenderContext{doc_, refs_, bib_, highlighter_, rep_, wo,
                         [&images](const std::string& src, doc::Pos pos) { return images.resolve(src, pos); },
                         results_,
                         [&images, assets_name](const std::string& name, std::string_view bytes) -> std::optional<std::string> {
                           return images.add_generated(assets_name, name, bytes);
                         }};
  }

  ImageAssets::Mode copy_mode(const fs::path& out_dir) const {
    return same_directory(out_dir, doc_dir_) ? ImageAssets::Mode::Reference : ImageAssets::Mode::Copy;
  }

  PanelInput panel_input() const {
    return PanelInput{&doc_, results_, input_.stem().string() + ".provenance.json",
                      std::getenv("SOURCE_DATE_EPOCH") != nullptr, opts_.grants};
  }

  // A site's pages share one copy of the styles and KaTeX, in _waybill/ at its root.
  OutputPaths shared_assets() const {
    OutputPaths o;
    o.dir = layout_->output_root;
    o.assets = layout_->output_root / "_waybill";
    o.assets_name = layout_->root_prefix + "_waybill";
    return o;
  }

  fs::path out_dir() const { return opts_.output_dir.empty() ? fs::path() : fs::path(opts_.output_dir); }

  // Values every template gets: the front matter (escaped), then the computed ones.
  TemplateValue base_values(Writer& w, const Escape& escape) {
    TemplateValue v = doc_.meta.raw.is_map() ? from_meta(doc_.meta.raw, escape) : TemplateValue();
    const doc::Metadata& m = doc_.meta;
    v.set("title", w.inlines_to_string(m.title));
    v.set("subtitle", w.inlines_to_string(m.subtitle));
    v.set("date", w.inlines_to_string(m.date));
    v.set("abstract", w.blocks_to_string(m.abstract));
    v.set("pagetitle", escape(m.title.empty() ? fs::path(doc_.path).stem().string() : doc::plain_text(m.title)));
    v.set("lang", escape(m.lang.empty() ? "en" : m.lang));
    std::vector<std::string> kw;
    for (const auto& k : m.keywords) kw.push_back(escape(k));
    v.set("keywords", join(kw, ", "));
    v.set("generator", std::string("waybill ") + build_info::version);
    v.set("has-title-block", !m.title.empty() || !m.authors.empty() || !m.date.empty() || !m.abstract.empty());
    // Authors with numbered affiliations, in order of first appearance.
    std::vector<std::string> affs;
    TemplateValue authors = TemplateValue::list(), affiliations = TemplateValue::list();
    for (const auto& a : m.authors) {
      TemplateValue av;
      av.set("name", escape(a.name));
      av.set("email", escape(a.email));
      av.set("orcid", escape(a.orcid));
      std::vector<std::string> marks;
      for (const auto& aff : a.affiliations) {
        auto it = std::find(affs.begin(), affs.end(), aff);
        if (it == affs.end()) {
          affs.push_back(aff);
          it = affs.end() - 1;
        }
        marks.push_back(std::to_string(it - affs.begin() + 1));
      }
      av.set("affiliation-marks", join(marks, ","));
      std::vector<std::string> names;
      for (const auto& aff : a.affiliations) names.push_back(escape(aff));
      av.set("affiliation", join(names, "; "));
      authors.push(std::move(av));
    }
    for (size_t i = 0; i < affs.size(); ++i) {
      TemplateValue av;
      av.set("index", std::to_string(i + 1));
      av.set("name", escape(affs[i]));
      affiliations.push(std::move(av));
    }
    v.set("has-authors", !m.authors.empty());
    v.set("has-affiliations", !affs.empty());
    v.set("authors", std::move(authors));
    v.set("affiliations", std::move(affiliations));
    return v;
  }

  fs::path write_html() {
    OutputPaths out = output_paths(input_, "html", out_dir());
    WriterOptions wo = writer_options("html");
    make_dirs(out.dir);
    ImageAssets images(doc_dir_, doc_.path, wo.self_contained ? ImageAssets::Mode::Embed : copy_mode(out.dir), out.dir,
                       false, rep_);
    RenderContext ctx = context(wo, images, out.assets_name);
    HtmlWriter w(ctx);
    TemplateValue v = base_values(w, html_escape_attr);
    std::string body = w.body();
    v.set("body", std::string(kBodyMark));
    v.set("toc", wo.toc ? w.toc() : std::string());
    v.set("math", w.uses_math());
    HtmlHead head = install_html_assets(layout_ ? shared_assets() : out, w.uses_math(), wo.self_contained, templates_dir(), rep_);
    if (layout_)
      for (const auto& [key, value] : layout_->values) v.set(key, value);
    assets_written_.insert(assets_written_.end(), head.files.begin(), head.files.end());
    assets_written_.insert(assets_written_.end(), images.written().begin(), images.written().end());
    v.set("provenance", provenance_html(panel_input()));
    v.set("head", head.head);
    v.set("scripts", head.scripts);
    auto [tmpl, name] = load_template("html");
    std::string page = expand_template(tmpl, name, v);
    write_file_atomic(out.file, splice_body(page, body));
    return out.file;
  }

  struct Latex {
    std::string tex;
    std::vector<std::pair<int, int>> line_map;
  };

  Latex latex_source(const std::string& format, ImageAssets& images, const std::string& assets_name) {
    WriterOptions wo = writer_options(format);
    RenderContext ctx = context(wo, images, assets_name);
    LatexWriter w(ctx);
    auto esc = [&w](std::string_view s) { return w.escape(s); };
    TemplateValue v = base_values(w, esc);
    std::string body = w.body();
    v.set("body", std::string(kBodyMark));
    v.set("toc", wo.toc);
    v.set("toc-depth", std::to_string(wo.toc_depth));
    v.set("secnumdepth", wo.number_sections ? "5" : "-2");
    std::string author_block;
    for (const auto& a : doc_.meta.authors) {
      if (!author_block.empty()) author_block += " \\and ";
      author_block += w.escape(a.name);
      std::string note;
      for (const auto& aff : a.affiliations) note += (note.empty() ? "" : "; ") + w.escape(aff);
      if (!a.email.empty()) note += (note.empty() ? "" : "; ") + std::string("\\texttt{") + w.escape(a.email) + "}";
      if (!note.empty()) author_block += "\\thanks{" + note + "}";
    }
    v.set("author-block", author_block);
    v.set("unicode-fallbacks", w.unicode_fallbacks());
    v.set("provenance", provenance_latex(panel_input(), esc));
    auto [tmpl, name] = load_template(format);
    Latex out;
    std::string page = expand_template(tmpl, name, v);
    size_t at = page.find(kBodyMark);
    int offset = at == std::string::npos ? 0 : static_cast<int>(std::count(page.begin(), page.begin() + static_cast<long>(at), '\n'));
    for (std::string_view piece : splice_body(page, body)) out.tex += piece;
    for (const auto& [tex_line, doc_line] : w.line_map()) out.line_map.emplace_back(offset + tex_line, doc_line);
    return out;
  }

  fs::path write_latex() {
    OutputPaths out = output_paths(input_, "tex", out_dir());
    make_dirs(out.dir);
    ImageAssets images(doc_dir_, doc_.path, copy_mode(out.dir), out.dir, true, rep_);
    write_file_atomic(out.file, latex_source("latex", images, out.assets_name).tex);
    assets_written_.insert(assets_written_.end(), images.written().begin(), images.written().end());
    return out.file;
  }

  fs::path write_pdf() {
    OutputPaths out = output_paths(input_, "pdf", out_dir());
    make_dirs(out.dir);
    TempDir work("waybill-latex-");
    ImageAssets images(doc_dir_, doc_.path, ImageAssets::Mode::Stage, work.path(), true, rep_);
    Latex tex = latex_source("pdf", images, out.assets_name);
    build_pdf(PdfJob{tex.tex, tex.line_map, work.path(), out.file, doc_.path});
    return out.file;
  }

  const doc::Document& doc_;
  const WriteOptions& opts_;
  const PageLayout* layout_;
  Reporter& rep_;
  fs::path input_;
  fs::path doc_dir_;
  PathRoots roots_;
  CrossRefs refs_;
  Highlighter highlighter_;
};

DocumentWriter::DocumentWriter(const doc::Document& doc, const fs::path& input, const PathRoots& roots,
                               const WriteOptions& options, Reporter& reporter)
    : impl_(std::make_unique<Impl>(doc, input, roots, options, reporter)) {}

DocumentWriter::~DocumentWriter() = default;

std::vector<std::string> DocumentWriter::formats(const std::vector<std::string>& requested) const {
  return impl_->formats(requested);
}

void DocumentWriter::use_results(const exec::Results* results) { impl_->results_ = results; }

RenderedOutput DocumentWriter::write(const std::string& format) { return impl_->write(format); }

fs::path DocumentWriter::output_folder() const { return impl_->output_folder(); }

const std::set<fs::path>& DocumentWriter::templates_read() const { return impl_->templates_used_; }

const std::vector<fs::path>& DocumentWriter::bibliography_files() const { return impl_->bib_.files(); }

const std::vector<fs::path>& DocumentWriter::assets_written() const { return impl_->assets_written_; }

}  // namespace waybill::render
