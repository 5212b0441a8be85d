#include "doc/notebook.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "doc/notebook_lines.hpp"
#include "doc/position_map.hpp"
#include "doc/reader.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

using nlohmann::json;

// The Markdown a notebook stands for, and for each of its lines the notebook line it
// came from.
struct Generated {
  std::string text;
  std::vector<LineOrigin> at;

  void line(std::string_view s, JsonPos pos) {
    text.append(s);
    text += '\n';
    at.push_back(LineOrigin{pos.line, pos.col});
  }
};

// A cell's source ("source": a list of strings, or one string) as lines, each with the
// notebook position where it starts.
std::vector<std::pair<std::string, JsonPos>> source_lines(const json& source, const std::vector<JsonPos>& positions,
                                                           JsonPos fallback) {
  std::vector<std::string> parts;
  if (source.is_string()) parts.push_back(source.get<std::string>());
  else if (source.is_array())
    for (const auto& p : source)
      if (p.is_string()) parts.push_back(p.get<std::string>());
  std::vector<std::pair<std::string, JsonPos>> lines;
  bool open = false;  // the last line has no newline yet: the next part continues it
  for (size_t i = 0; i < parts.size(); ++i) {
    JsonPos pos = i < positions.size() ? positions[i] : (positions.empty() ? fallback : positions.back());
    size_t start = 0;
    while (start <= parts[i].size()) {
      size_t nl = parts[i].find('\n', start);
      std::string_view piece = std::string_view(parts[i]).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (open) lines.back().first += piece;
      else if (!piece.empty() || nl != std::string::npos) lines.emplace_back(std::string(piece), pos);
      open = nl == std::string::npos && !piece.empty();
      if (nl == std::string::npos) break;
      start = nl + 1;
      if (start == parts[i].size()) break;
    }
  }
  return lines;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

// The notebook's language: the kernelspec's, else language_info's; IRkernel says "R".
std::string notebook_language(const json& meta) {
  std::string lang;
  if (auto k = meta.find("kernelspec"); k != meta.end() && k->is_object()) lang = k->value("language", "");
  if (lang.empty())
    if (auto l = meta.find("language_info"); l != meta.end() && l->is_object()) lang = l->value("name", "");
  return lower(lang.empty() ? std::string("python") : lang);
}

// Jupyter Book's and nbconvert's cell tags, as the `#|` options Quarto reads them as.
std::vector<std::string> options_of_tags(const json& cell) {
  static const std::pair<const char*, const char*> kTags[] = {
      {"remove-cell", "include: false"},   {"remove_cell", "include: false"},   {"remove-input", "echo: false"},
      {"remove_input", "echo: false"},     {"hide-input", "echo: false"},       {"remove-output", "output: false"},
      {"remove_output", "output: false"},  {"hide-output", "output: false"},    {"raises-exception", "error: true"},
      {"skip-execution", "eval: false"}};
  std::vector<std::string> out;
  auto meta = cell.find("metadata");
  if (meta == cell.end() || !meta->is_object()) return out;
  auto tags = meta->find("tags");
  if (tags == meta->end() || !tags->is_array()) return out;
  for (const auto& t : *tags) {
    if (!t.is_string()) continue;
    for (const auto& [tag, option] : kTags)
      if (t.get<std::string>() == tag && std::find(out.begin(), out.end(), option) == out.end()) out.push_back(option);
  }
  return out;
}

// A fence longer than any run of backticks in the code, so the code cannot close it.
std::string fence_for(const std::vector<std::pair<std::string, JsonPos>>& lines) {
  size_t longest = 0;
  for (const auto& [l, _] : lines) {
    size_t run = 0;
    for (char c : l) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

class NotebookReader {
 public:
  NotebookReader(std::string path, const std::string& text, Reporter& rep) : path_(std::move(path)), text_(text), rep_(rep) {}

  Generated run() {
    json nb = json::parse(text_, nullptr, false);
    if (nb.is_discarded()) {
      // Parse again for the position of the fault.
      try {
        json again = json::parse(text_);
        (void)again;
      } catch (const json::parse_error& e) {
        throw Error(ErrorKind::Document, "not a notebook: the JSON does not parse: " + std::string(e.what()),
                    SourceLoc::at_byte(path_, text_, e.byte ? e.byte - 1 : 0), "an .ipynb file is JSON, as Jupyter writes it");
      }
    }
    int version = nb.is_object() && nb.contains("nbformat") && nb["nbformat"].is_number_integer() ? nb["nbformat"].get<int>() : 0;
    if (version && version != 4)
      throw Error(ErrorKind::Document, "nbformat " + std::to_string(version) + " notebooks are not read; only nbformat 4",
                  SourceLoc{path_, 1, 1}, "convert it: jupyter nbconvert --to notebook --nbformat 4 " + path_);
    if (!version || !nb.contains("cells") || !nb["cells"].is_array())
      throw Error(ErrorKind::Document, "not a notebook: no `nbformat` and `cells`", SourceLoc{path_, 1, 1},
                  "an .ipynb file is nbformat 4 JSON, as Jupyter writes it");
    const json meta = nb.value("metadata", json::object());
    language_ = notebook_language(meta);
    positions_ = notebook_source_positions(text_);
    const json& cells = nb["cells"];
    size_t first = front_matter(cells, meta);
    manifest_from_metadata(meta);
    for (size_t i = first; i < cells.size(); ++i) cell(cells[i], i);
    return std::move(out_);
  }

  // A code cell's stored outputs (JSON), by the line of its fence in the Markdown.
  std::map<int, std::string> stored_outputs;

 private:
  JsonPos start_of(size_t index) const {
    if (index < positions_.size() && !positions_[index].empty()) return positions_[index].front();
    return last_;
  }

  std::vector<std::pair<std::string, JsonPos>> lines_of(const json& cell, size_t index) {
    auto source = cell.find("source");
    auto lines = source_lines(source == cell.end() ? json() : *source,
                              index < positions_.size() ? positions_[index] : std::vector<JsonPos>{}, start_of(index));
    if (!lines.empty()) last_ = lines.back().second;
    return lines;
  }

  // Quarto's convention: a first raw cell of YAML between `---` lines is the front
  // matter. Otherwise the metadata's title and authors, and its `waybill` key, are.
  size_t front_matter(const json& cells, const json& meta) {
    if (!cells.empty() && cells[0].is_object() && cells[0].value("cell_type", "") == "raw") {
      auto lines = lines_of(cells[0], 0);
      if (!lines.empty() && trim(lines.front().first) == "---") {
        for (const auto& [l, pos] : lines) out_.line(l, pos);
        out_.line("", last_);
        return 1;
      }
    }
    json fm = json::object();
    if (meta.contains("title") && meta["title"].is_string()) fm["title"] = meta["title"];
    if (auto a = meta.find("authors"); a != meta.end() && a->is_array()) {
      json names = json::array();
      for (const auto& author : *a)
        if (author.is_object() && author.contains("name") && author["name"].is_string()) names.push_back(author["name"]);
        else if (author.is_string()) names.push_back(author);
      if (!names.empty()) fm["author"] = names;
    }
    if (auto w = meta.find("waybill"); w != meta.end() && w->is_object()) {
      json settings = *w;
      settings.erase("manifest");
      if (!settings.empty()) fm["waybill"] = settings;
    }
    if (fm.empty()) return 0;
    JsonPos top{1, 1};
    out_.line("---", top);
    for (const auto& [k, v] : fm.items()) out_.line(k + ": " + v.dump(), top);  // JSON is YAML
    out_.line("---", top);
    out_.line("", top);
    return 0;
  }

  void manifest_from_metadata(const json& meta) {
    auto w = meta.find("waybill");
    if (w == meta.end() || !w->is_object() || !w->contains("manifest")) return;
    JsonPos top{1, 1};
    out_.line("```yaml {.manifest echo=false}", top);
    out_.line((*w)["manifest"].dump(), top);
    out_.line("```", top);
    out_.line("", top);
  }

  void cell(const json& cell, size_t index) {
    if (!cell.is_object()) return;
    std::string type = cell.value("cell_type", "");
    auto lines = lines_of(cell, index);
    if (type == "markdown") {
      attach(cell, lines);
      for (const auto& [l, pos] : lines) out_.line(l, pos);
      out_.line("", last_);
    } else if (type == "code") {
      code_cell(cell, std::move(lines));
    } else if (type == "raw") {
      raw_cell(cell, lines);
    }
  }

  // A Markdown cell's attachments (`![](attachment:plot.png)`) become data: URLs of
  // their images; other media types are left as written.
  static void attach(const json& cell, std::vector<std::pair<std::string, JsonPos>>& lines) {
    auto a = cell.find("attachments");
    if (a == cell.end() || !a->is_object()) return;
    for (const auto& [name, bundle] : a->items()) {
      if (!bundle.is_object()) continue;
      for (const char* type : {"image/png", "image/jpeg", "image/gif", "image/svg+xml"}) {
        auto data = bundle.find(type);
        if (data == bundle.end() || !data->is_string()) continue;
        std::string b64;
        for (char c : data->get<std::string>())
          if (c != '\n' && c != '\r') b64 += c;
        if (b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != std::string::npos)
          break;  // not base64: left as written
        std::string from = "attachment:" + name, to = std::string("data:") + type + ";base64," + b64;
        for (auto& [l, _] : lines)
          for (size_t at = l.find(from); at != std::string::npos; at = l.find(from, at + to.size())) l.replace(at, from.size(), to);
        break;
      }
    }
  }

  void code_cell(const json& cell, std::vector<std::pair<std::string, JsonPos>> lines) {
    std::string language = language_;
    // A cell magic that names a shell runs the cell in one, as IPython would.
    if (!lines.empty() && (trim(lines.front().first) == "%%bash" || trim(lines.front().first) == "%%sh")) {
      language = "bash";
      lines.erase(lines.begin());
    }
    JsonPos at = lines.empty() ? last_ : lines.front().second;
    std::string fence = fence_for(lines);
    auto outputs = cell.find("outputs");
    if (outputs != cell.end() && outputs->is_array() && !outputs->empty())
      stored_outputs[static_cast<int>(out_.at.size()) + 1] = outputs->dump();
    out_.line(fence + "{" + language + "}", at);
    for (const auto& option : options_of_tags(cell)) out_.line("#| " + option, at);
    for (const auto& [l, pos] : lines) out_.line(l, pos);
    out_.line(fence, last_);
    out_.line("", last_);
  }

  // A raw cell is passed to the output format it names; HTML is kept, others are not
  // written (and said so).
  void raw_cell(const json& cell, const std::vector<std::pair<std::string, JsonPos>>& lines) {
    if (lines.empty()) return;
    std::string format;
    if (auto m = cell.find("metadata"); m != cell.end() && m->is_object()) {
      format = m->value("raw_mimetype", "");
      if (format.empty()) format = m->value("format", "");
    }
    if (format == "text/html" || format == "html") {
      for (const auto& [l, pos] : lines) out_.line(l, pos);
      out_.line("", last_);
      return;
    }
    if (format == "text/markdown") {
      for (const auto& [l, pos] : lines) out_.line(l, pos);
      out_.line("", last_);
      return;
    }
    JsonPos at = lines.front().second;
    rep_.warn("a raw cell" + (format.empty() ? std::string(" without a format") : " for " + format) + " is not written",
              SourceLoc{path_, at.line, at.col}, "give it the raw format text/html (cell metadata raw_mimetype) or make it Markdown");
  }

  std::string path_;
  const std::string& text_;
  Reporter& rep_;
  std::string language_;
  std::vector<std::vector<JsonPos>> positions_;
  JsonPos last_{1, 1};
  Generated out_;
};

}  // namespace

Document parse_notebook(std::string path, std::string text, Reporter& reporter, const MetaValue* defaults) {
  if (text.size() > kMaxDocumentBytes * 4)  // notebooks carry their outputs: images in base64
    throw Error(ErrorKind::Document, "the notebook is " + std::to_string(text.size() >> 20) + " MiB; waybill reads notebooks of up to " +
                                         std::to_string((kMaxDocumentBytes * 4) >> 20) + " MiB",
                SourceLoc{path, 0, 0}, "clear its outputs (jupyter nbconvert --clear-output) before rendering");
  NotebookReader reader(path, text, reporter);
  Generated md = reader.run();
  auto keep_outputs = [&reader](Document& d) {
    for (auto& c : d.cells)
      if (auto it = reader.stored_outputs.find(c.fence.line); it != reader.stored_outputs.end()) c.stored_outputs = it->second;
  };
  Document d = parse_mapped(path, std::move(md.text), md.at, reporter, defaults, keep_outputs);
  d.source = std::move(text);
  return d;
}

}  // namespace waybill::doc
