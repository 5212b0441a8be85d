#include "render/provenance_panel.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

#include "render/html_writer.hpp"
#include "util/build_info.hpp"
#include "util/strings.hpp"

namespace waybill::render {

namespace {

// One row per thing the panel lists, format-neutral.
struct Row {
  std::vector<std::string> cells;
};

struct Table {
  std::string title;
  std::vector<std::string> head;
  std::vector<Row> rows;
};

std::string short_digest(const std::string& d) {
  auto colon = d.find(':');
  std::string hex = colon == std::string::npos ? d : d.substr(colon + 1);
  return "sha256:" + hex.substr(0, 16);
}

std::string seconds_text(double s) {
  char buf[32];
  if (s < 1) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000);
  else std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string base_origin(const exec::BaseOrigin& b) {
  auto label = [&](const char* k) {
    auto it = b.labels.find(std::string("org.waybill.bootstrap.") + k);
    return it == b.labels.end() ? std::string() : it->second;
  };
  std::string how = b.origin;
  if (!b.archive.empty()) how = "archive " + std::filesystem::path(b.archive).filename().string() + " (" + short_digest(b.archive_digest) + ")";
  if (b.origin == "bootstrap" || !label("suite").empty()) {
    std::string suite = label("suite"), mirror = label("mirror");
    how = "bootstrap" + (suite.empty() ? "" : " of " + suite) + (mirror.empty() ? "" : " from " + mirror);
    if (b.origin == "store") how += " (already in the store)";
  }
  if (auto src = b.labels.find("org.waybill.source"); src != b.labels.end()) {
    std::string from = src->second.substr(0, src->second.find('@'));
    how = "pulled from " + from;
    if (auto host = b.labels.find("org.waybill.source.host"); host != b.labels.end() && !from.starts_with(host->second + "/"))
      how += " via " + host->second;
    if (b.origin == "store") how += " (already in the store)";
  }
  return how;
}

std::vector<Table> tables(const PanelInput& in) {
  const exec::Results& res = *in.results;
  std::vector<Table> out;
  Table images{"Images", {"image", "digest", "base", "base digest", "obtained by"}, {}};
  for (const auto& [name, img] : res.images) {
    std::string label = name.empty() ? "default" : name;
    if (img.bases.empty()) images.rows.push_back({{label, short_digest(img.digest), "", "", img.from_block ? "built" : "store"}});
    for (const auto& b : img.bases)
      images.rows.push_back({{label, short_digest(img.digest), b.reference, short_digest(b.digest), base_origin(b)}});
  }
  out.push_back(std::move(images));
  if (!res.data.empty()) {
    Table data{"Data", {"image", "digest", "mounted at", "obtained by"}, {}};
    for (const auto& d : res.data)
      data.rows.push_back({{d.name, short_digest(d.digest), d.target + " (read-only)", d.origin}});
    out.push_back(std::move(data));
  }
  // A cached result shows the time it took when it ran, so a re-render from the cache
  // writes the same page; whether it came from the cache is in the record.
  Table cells{"Cells", {"cell", "language", "line", "status"}, {}};
  if (!in.reproducible) cells.head.push_back("time");
  auto add = [&](const std::string& name, const std::string& lang, int line, const exec::CellResult& r) {
    std::string status = !r.error ? "ok" : r.timed_out ? "timed out" : "error (shown)";
    if (!r.unenforced_limits.empty()) status += "; limits not enforced: " + join(r.unenforced_limits, ", ");
    Row row{{name, lang, std::to_string(line), status}};
    if (!in.reproducible) row.cells.push_back(seconds_text(r.seconds));
    cells.rows.push_back(std::move(row));
  };
  for (const auto& c : in.document->cells)
    if (const exec::CellResult* r = res.cell(c.index)) add(c.name(), c.language, c.fence.line, *r);
  for (const auto& e : res.inlines)
    if (e.result) add("inline `" + e.expression.code + "`", e.expression.language, e.expression.pos.line, *e.result);
  out.push_back(std::move(cells));
  if (!res.inputs.files.empty()) {
    Table inputs{"Inputs", {"file", "digest"}, {}};
    for (const auto& f : res.inputs.files) inputs.rows.push_back({{f.path, short_digest(f.digest)}});
    out.push_back(std::move(inputs));
  }
  return out;
}

// Paragraph columns sized by their longest entry, filling the line at most: long
// entries ("bootstrap of bookworm from http://...") wrap instead of running off the page.
std::string column_spec(const Table& t) {
  std::vector<double> width(t.head.size(), 0);
  for (size_t i = 0; i < t.head.size(); ++i) width[i] = static_cast<double>(t.head[i].size());
  for (const auto& row : t.rows)
    for (size_t i = 0; i < row.cells.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], static_cast<double>(row.cells[i].size()));
  double total = 0;
  for (double& w : width) total += (w = std::min(std::max(w, 4.0), 60.0));
  // About 120 characters of \footnotesize fill the line; narrower tables keep their size.
  double scale = std::min(1.0, 120.0 / total);
  std::string spec = "@{}";
  for (double w : width) {
    char buf[96];
    std::snprintf(buf, sizeof buf, ">{\\raggedright\\arraybackslash}p{%.3f\\linewidth}", 0.97 * w * scale / 120.0);
    spec += buf;
  }
  return spec + "@{}";
}

std::string tool_line() {
  utsname u{};
  ::uname(&u);
  return std::string("waybill ") + build_info::version + " on " + u.sysname + " " + u.release + " (" + u.machine + ")";
}

std::string summary_line(const PanelInput& in) {
  const exec::Results& r = *in.results;
  size_t cells = 0, failed = 0;
  for (const auto& c : r.cells)
    if (c) ++cells, failed += c->error.has_value();
  return std::to_string(r.images.size()) + (r.images.size() == 1 ? " image, " : " images, ") + std::to_string(cells) +
         (cells == 1 ? " cell" : " cells") + (failed ? ", " + std::to_string(failed) + " with errors shown" : "");
}

}  // namespace

// A page that builds no image and runs no cell has nothing to account for: no panel.
bool has_provenance(const PanelInput& in) {
  if (!in.results) return false;
  const exec::Results& r = *in.results;
  bool ran = std::any_of(r.cells.begin(), r.cells.end(), [](const auto& c) { return static_cast<bool>(c); }) ||
             std::any_of(r.inlines.begin(), r.inlines.end(), [](const auto& e) { return static_cast<bool>(e.result); });
  return ran || !r.images.empty() || !r.data.empty() || !r.inputs.files.empty();
}

std::string provenance_html(const PanelInput& in) {
  if (!has_provenance(in)) return "";
  auto esc = [](const std::string& s) { return HtmlWriter::escape(s); };
  std::string out = "<details class=\"provenance\" id=\"provenance\">\n<summary><span class=\"env-label\">Provenance</span> "
                    "<span class=\"env-kind\">" + esc(summary_line(in)) + "</span></summary>\n";
  for (const auto& t : tables(in)) {
    out += "<h4>" + esc(t.title) + "</h4>\n<div class=\"table-wrap\">\n<table>\n<thead><tr>";
    for (const auto& h : t.head) out += "<th>" + esc(h) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
      out += "<tr>";
      for (const auto& c : row.cells) out += "<td>" + esc(c) + "</td>";
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }
  if (!in.granted.empty()) out += "<p>Granted on the command line: <code>" + esc(in.granted) + "</code>.</p>\n";
  out += "<p>" + esc(tool_line()) + ". The full record, with every digest: <a href=\"" + esc(in.record_name) + "\">" +
         esc(in.record_name) + "</a>.</p>\n</details>\n";
  return out;
}

std::string provenance_latex(const PanelInput& in, const std::function<std::string(std::string_view)>& escape) {
  if (!has_provenance(in)) return "";
  std::string out = "\n\\clearpage\n\\section*{Provenance}\n\\addcontentsline{toc}{section}{Provenance}\n" +
                    escape(summary_line(in)) + ". " + escape(tool_line()) + ". The full record is " + "\\texttt{" +
                    escape(in.record_name) + "}.\n";
  if (!in.granted.empty()) out += "Granted on the command line: \\texttt{" + escape(in.granted) + "}.\n";
  for (const auto& t : tables(in)) {
    out += "\n\\subsection*{" + escape(t.title) + "}\n{\\footnotesize\n\\begin{longtable}{" + column_spec(t) + "}\n";
    for (size_t i = 0; i < t.head.size(); ++i) out += (i ? " & " : "") + std::string("\\textbf{") + escape(t.head[i]) + "}";
    out += " \\\\\n\\hline\n\\endhead\n";
    for (const auto& row : t.rows) {
      for (size_t i = 0; i < row.cells.size(); ++i) out += (i ? " & " : "") + escape(row.cells[i]);
      out += " \\\\\n";
    }
    out += "\\end{longtable}\n}\n";
  }
  return out;
}

}  // namespace waybill::render
