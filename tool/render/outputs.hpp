#pragma once
// Where outputs go and what travels with them: `paper.html` (or .tex, .pdf) plus
// `paper_files/` for assets, beside the input or under -o DIR. Images the document
// refers to are resolved beneath the document's directory, and referenced, copied,
// staged for LaTeX or embedded, depending on the output.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doc/meta.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::render {

struct OutputPaths {
  std::filesystem::path dir;      // the output directory
  std::filesystem::path file;     // dir / "paper.html"
  std::string stem;               // "paper"
  std::string assets_name;        // "paper_files"
  std::filesystem::path assets;   // dir / assets_name
};

// `extension` is "html", "tex" or "pdf"; `out_dir` empty means beside the input.
OutputPaths output_paths(const std::filesystem::path& input, const std::string& extension,
                         const std::filesystem::path& out_dir);

class ImageAssets {
 public:
  enum class Mode {
    Reference,  // the output sits beside the input: paths stay as written
    Copy,       // the output is elsewhere: images are copied under the same relative path
    Embed,      // self-contained HTML: data: URIs
    Stage,      // PDF: copied into LaTeX's working directory
  };

  ImageAssets(std::filesystem::path doc_dir, std::string doc_path, Mode mode, std::filesystem::path target_dir,
              bool for_latex, Reporter& reporter)
      : doc_dir_(std::move(doc_dir)), doc_path_(std::move(doc_path)), mode_(mode), target_(std::move(target_dir)),
        latex_(for_latex), reporter_(reporter) {}

  // The reference to write for `src`, or nullopt when the image cannot be used (the
  // reason has been reported, once per image).
  std::optional<std::string> resolve(const std::string& src, doc::Pos pos);

  // A file a cell produced, written as `assets_name/name` under the target directory
  // (or embedded, for a self-contained page): the reference to write.
  std::string add_generated(const std::string& assets_name, const std::string& name, std::string_view bytes);

  // The files written beside the output (Copy and generated files; not what was staged
  // for LaTeX), for the provenance record's subjects.
  const std::vector<std::filesystem::path>& written() const { return written_; }

 private:
  // Writes `relative` beneath the target directory (util/safe_path.hpp: write_file_beneath).
  void write(const std::filesystem::path& relative, std::string_view data);

  std::filesystem::path doc_dir_;
  std::string doc_path_;
  Mode mode_;
  std::filesystem::path target_;
  bool latex_;
  Reporter& reporter_;
  std::map<std::string, std::optional<std::string>> done_;
  std::vector<std::filesystem::path> written_;
};

// A media type from a file name's extension ("image/png"); "application/octet-stream".
std::string media_type(const std::string& name);

// The HTML page's stylesheets and scripts: the theme CSS and, when the page has math,
// KaTeX (from Debian's libjs-katex). Copied into the assets folder, or inlined for a
// self-contained page. Returns the markup for <head> and for the end of <body>.
struct HtmlHead {
  std::string head;
  std::string scripts;
  std::vector<std::filesystem::path> files;  // the assets it wrote (or found current)
};
HtmlHead install_html_assets(const OutputPaths& out, bool math, bool self_contained,
                             const std::filesystem::path& templates_dir, Reporter& reporter);

}  // namespace waybill::render
