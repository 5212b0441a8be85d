#include "doc/fences.hpp"

#include <cctype>

#include "doc/attr.hpp"
#include "doc/cell_header.hpp"
#include "doc/yaml_meta.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

bool is_dockerfile(std::string_view lang) { return to_lower(lang) == "dockerfile"; }

// Image names become image references later: keep them to Docker's name grammar.
bool valid_image_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  if (!std::islower(static_cast<unsigned char>(n[0])) && !std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

bool attr_false(const Attr& a, std::string_view key) {
  const std::string* v = a.value(key);
  return v && (to_lower(*v) == "false" || *v == "FALSE" || *v == "no");
}

}  // namespace

FenceInfo classify_fence(std::string_view info_raw) {
  FenceInfo f;
  std::string_view info = trim(info_raw);
  if (info.empty()) return f;
  if (info.starts_with("{{")) {  // Quarto's way to show a cell without running it
    size_t end = info.find("}}");
    f.language = std::string(trim(info.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2)));
    return f;
  }
  if (info.starts_with('{')) {
    size_t close = info.rfind('}');
    std::string_view inside = info.substr(1, close == std::string_view::npos ? info.size() - 1 : close - 1);
    std::string_view first = trim_left(inside);
    if (first.starts_with('.') || first.starts_with('#')) {
      // ```{.python #id}: Pandoc attributes on shown code.
      if (auto a = parse_attr(inside)) f.attr = *a;
      if (!f.attr.classes.empty()) f.language = f.attr.classes.front();
      if (is_dockerfile(f.language)) f.role = FenceRole::Image;
      else if (f.attr.has_class("manifest")) f.role = FenceRole::Manifest;
      return f;
    }
    f.role = FenceRole::Cell;
    f.header = std::string(inside);
    f.header_offset = static_cast<size_t>(inside.data() - info_raw.data());
    return f;
  }
  size_t end = 0;
  while (end < info.size() && !std::isspace(static_cast<unsigned char>(info[end])) && info[end] != '{') ++end;
  f.language = std::string(info.substr(0, end));
  std::string_view rest = trim(info.substr(end));
  if (rest.starts_with('{') && rest.ends_with('}'))
    if (auto a = parse_attr(rest.substr(1, rest.size() - 2))) f.attr = *a;
  if (is_dockerfile(f.language)) f.role = FenceRole::Image;
  else if (to_lower(f.language) == "yaml" && f.attr.has_class("manifest")) f.role = FenceRole::Manifest;
  return f;
}

namespace {

void add_cell(Document& doc, const FencedCode& code, const FenceInfo& f, std::vector<Block>& out,
              Reporter& rep) {
  Pos header_pos{code.fence.line, code.info_col + static_cast<int>(f.header_offset)};
  KnitrHeader header = parse_knitr_header(f.header, header_pos, doc.path);
  if (header.language.empty()) {
    throw Error(ErrorKind::Document, "executable cell without a language",
                SourceLoc{doc.path, code.fence.line, code.info_col},
                "write the language first, e.g. ```{python} or ```{r label}");
  }
  Cell cell;
  cell.index = doc.cells.size();
  cell.language = header.language;
  cell.info = code.info;
  cell.fence = code.fence;
  LeadingOptions lead = parse_leading_options(code.literal, code.fence.line + 1, doc.path);
  // Quarto's document-wide code folding (top level, or under format: html:), then the
  // front matter's `execute:`, so the cell's own options win.
  {
    std::vector<OptionSetting> folding;
    const MetaValue* format = doc.meta.raw.get("format");
    const MetaValue* html = format && format->is_map() ? format->get("html") : nullptr;
    for (const char* key : {"code-fold", "code-summary"}) {
      const MetaValue* v = doc.meta.raw.get(key);
      if (html && html->is_map() && html->get(key)) v = html->get(key);
      if (v) folding.push_back(OptionSetting{key, *v, v->pos});
    }
    apply_cell_options(cell.options, folding, doc.path, rep);
  }
  // The front matter's `execute:` first, so the cell's own options win.
  if (const MetaValue* execute = doc.meta.raw.get("execute"); execute && execute->is_map()) {
    std::vector<OptionSetting> defaults;
    for (const auto& [name, value] : execute->map)
      if (name != "label") defaults.push_back(OptionSetting{name, value, value.pos});
    apply_cell_options(cell.options, defaults, doc.path, rep);
  }
  apply_cell_options(cell.options, header.options, doc.path, rep);
  apply_cell_options(cell.options, lead.options, doc.path, rep);
  auto lines = split_lines(code.literal);
  std::string body;
  for (size_t i = lead.lines; i < lines.size(); ++i) {
    body.append(lines[i]);
    body += '\n';
  }
  cell.code = std::move(body);
  cell.code_line = code.fence.line + 1 + static_cast<int>(lead.lines);

  Block b;
  b.kind = BlockKind::Cell;
  b.ref = cell.index;
  b.pos = code.fence;
  b.attr.id = cell.options.label;
  doc.cells.push_back(std::move(cell));
  out.push_back(std::move(b));
}

void add_image(Document& doc, const FencedCode& code, const FenceInfo& f, std::vector<Block>& out) {
  ImageBlock img;
  img.name = f.attr.id;
  img.dockerfile = code.literal;
  img.fence = code.fence;
  img.first_line = code.fence.line + 1;
  img.echo = !attr_false(f.attr, "echo");
  if (!img.name.empty() && !valid_image_name(img.name)) {
    throw Error(ErrorKind::Document, "image name `" + img.name + "` is not a valid image name",
                SourceLoc{doc.path, code.fence.line, code.info_col},
                "use lower-case letters, digits, `.`, `_` and `-`, e.g. {#analysis-env}");
  }
  Block b;
  b.kind = BlockKind::ImageSpec;
  b.ref = doc.images.size();
  b.pos = code.fence;
  b.info = "dockerfile";
  doc.images.push_back(std::move(img));
  out.push_back(std::move(b));
}

void add_manifest(Document& doc, const FencedCode& code, const FenceInfo& f, std::vector<Block>& out) {
  if (doc.manifest) {
    throw Error(ErrorKind::Document, "a second manifest block",
                SourceLoc{doc.path, code.fence.line, code.fence.col},
                "a document has one manifest; the first is at line " + std::to_string(doc.manifest->fence.line) +
                    ": merge the two");
  }
  ManifestBlock m;
  m.text = code.literal;
  m.fence = code.fence;
  m.first_line = code.fence.line + 1;
  m.echo = !attr_false(f.attr, "echo");
  m.value = parse_yaml(code.literal, YamlOrigin{doc.path, "manifest", m.first_line, code.fence.col - 1});
  if (!m.value.is_null() && !m.value.is_map()) {
    throw Error(ErrorKind::Document, "the manifest must be a mapping of settings, not " + describe_kind(m.value),
                SourceLoc{doc.path, m.first_line, 1}, "write `key: value` lines, e.g. `network: none`");
  }
  doc.manifest = std::move(m);
  Block b;
  b.kind = BlockKind::Manifest;
  b.pos = code.fence;
  b.info = "yaml";
  out.push_back(std::move(b));
}

}  // namespace

void add_fenced_block(Document& doc, const FencedCode& code, bool executable, std::vector<Block>& out,
                      Reporter& rep) {
  FenceInfo f = classify_fence(code.info);
  if (executable) {
    switch (f.role) {
      case FenceRole::Cell: return add_cell(doc, code, f, out, rep);
      case FenceRole::Image: return add_image(doc, code, f, out);
      case FenceRole::Manifest: return add_manifest(doc, code, f, out);
      case FenceRole::Shown: break;
    }
  }
  Block b;
  b.kind = BlockKind::CodeBlock;
  b.text = code.literal;
  b.info = f.role == FenceRole::Cell ? to_lower(f.header.substr(0, f.header.find_first_of(" ,"))) : f.language;
  b.attr = f.attr;
  b.pos = code.fence;
  out.push_back(std::move(b));
}

}  // namespace waybill::doc
