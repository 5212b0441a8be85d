#include "render/outputs.hpp"

#include <fcntl.h>

#include <regex>

#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/media_types.hpp"
#include "util/report.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::render {

namespace {

const char* const kKatexDir = "/usr/share/javascript/katex";

// Math is rendered in the browser after the page loads; the TeX stays in the page for
// readers and search engines without JavaScript.
const char* const kMathScript = R"(<script>
document.addEventListener("DOMContentLoaded", function () {
  if (typeof katex === "undefined") return;
  document.querySelectorAll("span.math").forEach(function (el) {
    var display = el.classList.contains("display");
    var tex = el.textContent.replace(/^\\[(\[]/, "").replace(/\\[)\]]$/, "");
    try {
      katex.render(tex, el, {displayMode: display, throwOnError: false, output: "htmlAndMathml"});
    } catch (e) {
      el.classList.add("math-error");
    }
  });
});
</script>
)";

// Closed <details> print closed in browsers without ::details-content: open them for
// the print, and close again the ones the reader had closed.
const char* const kPrintScript = R"js(<script>
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
</script>
)js";

bool has_scheme(const std::string& src) {
  size_t colon = src.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i)
    if (!std::isalnum(static_cast<unsigned char>(src[i])) && src[i] != '+' && src[i] != '-' && src[i] != '.') return false;
  return true;
}

// Assets are written beneath the output directory without following links: a link a
// project planted there (paper_files -> /etc) must not lead the write out of it.
void write_asset(const fs::path& root, const fs::path& relative, std::string_view data) {
  make_dirs(root);
  write_file_beneath(root, relative.string(), data);
}

// KaTeX's stylesheet lists woff2, woff and ttf for every font; browsers that run KaTeX
// all read woff2, so only those are shipped (or embedded).
std::string katex_css(bool embed, Reporter& reporter) {
  std::string css = read_file(fs::path(kKatexDir) / "katex.min.css");
  std::regex font_src(R"(src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\(["']woff2["']\)[^;}]*)");
  std::string out;
  auto begin = std::sregex_iterator(css.begin(), css.end(), font_src);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out.append(css, last, static_cast<size_t>(it->position()) - last);
    std::string font = (*it)[1];
    if (embed) {
      std::optional<std::string> data = read_file_if_exists(fs::path(kKatexDir) / "fonts" / (font + ".woff2"));
      if (!data) {
        reporter.warn("KaTeX font " + font + ".woff2 is missing; math may look wrong", {},
                      "reinstall the fonts-katex package");
        data = "";
      }
      out += "src:url(data:font/woff2;base64," + base64_encode(*data) + ") format(\"woff2\")";
    } else {
      out += "src:url(fonts/" + font + ".woff2) format(\"woff2\")";
    }
    last = static_cast<size_t>(it->position() + it->length());
  }
  out.append(css, last, std::string::npos);
  return out;
}

}  // namespace

OutputPaths output_paths(const fs::path& input, const std::string& extension, const fs::path& out_dir) {
  OutputPaths p;
  p.stem = input.stem().string();
  p.dir = out_dir.empty() ? input.parent_path() : out_dir;
  if (p.dir.empty()) p.dir = ".";
  p.file = p.dir / (p.stem + "." + extension);
  p.assets_name = p.stem + "_files";
  p.assets = p.dir / p.assets_name;
  return p;
}

std::string media_type(const std::string& name) { return std::string(media_type_of(name)); }

std::optional<std::string> ImageAssets::resolve(const std::string& src_in, doc::Pos pos) {
  auto cached = done_.find(src_in);
  if (cached != done_.end()) return cached->second;
  std::optional<std::string>& result = done_[src_in];
  SourceLoc loc{doc_path_, pos.line, pos.col};

  if (src_in.empty()) return result;
  if (has_scheme(src_in) || src_in.starts_with("//")) {
    if (!latex_) result = src_in;
    else if (src_in.starts_with("data:"))  // a notebook's attachment: no name to give, and long
      reporter_.warn("an embedded (data:) image is not included in LaTeX/PDF output", loc,
                     "save it next to the document and refer to the file");
    else reporter_.warn("remote image `" + src_in + "` is not included in LaTeX/PDF output", loc,
                        "download it next to the document and refer to the local file");
    return result;
  }
  std::string rel = src_in.substr(0, src_in.find_first_of("?#"));
  BeneathResult file = open_beneath(doc_dir_, rel, O_RDONLY);
  if (file.error == BeneathError::Escapes) {
    reporter_.warn("image `" + src_in + "` lies outside the document's directory; it is not copied or embedded", loc,
                   "move it under " + (doc_dir_.empty() ? std::string(".") : doc_dir_.string()));
    if (mode_ == Mode::Reference && !latex_) result = src_in;
    return result;
  }
  if (!file.fd) {
    reporter_.warn("image `" + src_in + "` not found", loc, "the path is relative to the document");
    if (!latex_) result = src_in;
    return result;
  }
  switch (mode_) {
    case Mode::Reference:
      result = src_in;
      break;
    case Mode::Copy:
    case Mode::Stage:
      write(fs::path(rel).lexically_normal(), read_fd(file.fd.get(), rel));
      result = fs::path(rel).lexically_normal().string();
      break;
    case Mode::Embed:
      result = "data:" + media_type(rel) + ";base64," + base64_encode(read_fd(file.fd.get(), rel));
      break;
  }
  return result;
}

std::string ImageAssets::add_generated(const std::string& assets_name, const std::string& name, std::string_view bytes) {
  if (mode_ == Mode::Embed) return "data:" + media_type(name) + ";base64," + base64_encode(bytes);
  std::string rel = assets_name + "/" + name;
  write(rel, bytes);
  return rel;
}

void ImageAssets::write(const fs::path& relative, std::string_view data) {
  write_asset(target_, relative, data);
  if (mode_ != Mode::Stage) written_.push_back(target_ / relative);
}

HtmlHead install_html_assets(const OutputPaths& out, bool math, bool self_contained, const fs::path& templates_dir,
                             Reporter& reporter) {
  HtmlHead h;
  std::string css = read_file(templates_dir / "html" / "waybill.css");
  if (self_contained) {
    h.head += "<style>\n" + css + "</style>\n";
  } else {
    write_asset(out.dir, out.assets.lexically_relative(out.dir) / "waybill.css", css);
    h.files.push_back(out.assets / "waybill.css");
    h.head += "<link rel=\"stylesheet\" href=\"" + out.assets_name + "/waybill.css\">\n";
  }
  // A printed page shows the environments and the provenance open (the stylesheet does
  // it where browsers allow; elsewhere this script opens them for the print).
  h.scripts += kPrintScript;
  if (!math) return h;
  if (!fs::exists(fs::path(kKatexDir) / "katex.min.js")) {
    reporter.warn("KaTeX is not installed; math is shown as TeX source", {},
                  "install Debian's libjs-katex and fonts-katex packages");
    return h;
  }
  std::string js = read_file(fs::path(kKatexDir) / "katex.min.js");
  if (self_contained) {
    h.head += "<style>\n" + katex_css(true, reporter) + "\n</style>\n";
    // "</script" cannot appear inside an inline script.
    h.scripts += "<script>\n" + replace_all(js, "</script", "<\\/script") + "\n</script>\n";
  } else {
    fs::path k = out.assets / "katex", k_rel = out.assets.lexically_relative(out.dir) / "katex";
    write_asset(out.dir, k_rel / "katex.min.css", katex_css(false, reporter));
    write_asset(out.dir, k_rel / "katex.min.js", js);
    h.files.push_back(k / "katex.min.css");
    h.files.push_back(k / "katex.min.js");
    for (const auto& e : fs::directory_iterator(fs::path(kKatexDir) / "fonts")) {
      if (e.path().extension() != ".woff2") continue;
      fs::path dest = k / "fonts" / e.path().filename();
      if (!fs::is_regular_file(fs::symlink_status(dest)) || fs::file_size(dest) != fs::file_size(e.path()))
        write_asset(out.dir, k_rel / "fonts" / e.path().filename(), read_file(e.path()));
      h.files.push_back(dest);
    }
    h.head += "<link rel=\"stylesheet\" href=\"" + out.assets_name + "/katex/katex.min.css\">\n";
    h.scripts += "<script src=\"" + out.assets_name + "/katex/katex.min.js\"></script>\n";
  }
  h.scripts += kMathScript;
  return h;
}

}  // namespace waybill::render
