#include "render/pdf.hpp"

#include <algorithm>
#include <chrono>
#include <regex>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace waybill::render {

int document_line(const std::vector<std::pair<int, int>>& line_map, int tex_line) {
  int best = 0;
  for (const auto& [out, in] : line_map) {
    if (out > tex_line) break;
    best = in;
  }
  return best;
}

namespace {

struct LatexFailure {
  std::string message;
  int tex_line = 0;
  std::string context;
  std::string runaway;  // the text of a runaway argument, which TeX gives no line for
};

// The .tex line where `text` first appears, or 0.
int line_of(const std::string& tex, std::string_view text) {
  if (text.empty()) return 0;
  size_t at = tex.find(text);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(tex.begin(), tex.begin() + static_cast<long>(at), '\n'));
}

// pdflatex with -file-line-error writes "./paper.tex:123: Undefined control sequence."
// followed by the offending input; other errors start with "! ".
LatexFailure parse_log(const std::string& log) {
  LatexFailure f;
  std::regex file_line(R"(^\./[^:\n]*\.tex:(\d+): (.*)$)");
  auto lines = split_lines(log);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] == "Runaway argument?") {
      // TeX shows the argument as tokens: paragraph ends read "\par", not blank lines.
      std::string_view text = lines[i + 1];
      text = trim(text.substr(0, text.find("\\par")));
      f.runaway = std::string(text.substr(0, std::min<size_t>(text.size(), 24)));
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line(lines[i]);
    std::smatch m;
    if (std::regex_match(line, m, file_line)) {
      f.tex_line = std::stoi(m[1]);
      f.message = m[2];
    } else if (line.starts_with("! ")) {
      f.message = line.substr(2);
    } else {
      continue;
    }
    for (size_t k = i + 1; k < lines.size() && k < i + 6; ++k) {
      if (lines[k].starts_with("l.")) {
        f.context = std::string(trim(lines[k]));
        if (f.tex_line == 0) f.tex_line = std::atoi(std::string(lines[k].substr(2)).c_str());
        break;
      }
    }
    break;
  }
  return f;
}

}  // namespace

void build_pdf(const PdfJob& job) {
  if (!program_exists("latexmk")) {
    throw Error(ErrorKind::Environment, "PDF output needs latexmk, which is not installed", {},
                "install it: apt-get install latexmk texlive-latex-recommended texlive-latex-extra");
  }
  const std::string name = "document";
  write_file_atomic(job.work_dir / (name + ".tex"), job.tex);
  ProcessOptions opts;
  opts.cwd = job.work_dir;
  opts.timeout = std::chrono::minutes(5);
  // A document cannot read or write files outside the working directory through TeX.
  opts.extra_env = {"openin_any=p", "openout_any=p", "max_print_line=1000"};
  ProcessResult r = run_process({"latexmk", "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
                                 "-file-line-error", "-pdflatex=pdflatex -no-shell-escape %O %S", name + ".tex"},
                                opts);
  fs::path pdf = job.work_dir / (name + ".pdf");
  fs::path kept = job.output;
  kept.replace_extension(".log");
  fs::path kept_tex = job.output;
  kept_tex.replace_extension(".failed.tex");
  if (r.ok() && fs::exists(pdf)) {
    copy_file_atomic(pdf, job.output);
    // What an earlier failure left behind would now mislead.
    std::error_code ec;
    fs::remove(kept, ec);
    fs::remove(kept_tex, ec);
    return;
  }
  std::string log = read_file_if_exists(job.work_dir / (name + ".log")).value_or(r.output);
  write_file_atomic(kept, log);
  write_file_atomic(kept_tex, job.tex);
  if (r.timed_out) {
    throw Error(ErrorKind::Document, "LaTeX did not finish within 5 minutes", SourceLoc{job.doc_path, 0, 0},
                "the log is in " + display_path(kept));
  }
  LatexFailure f = parse_log(log);
  if (f.tex_line == 0) f.tex_line = line_of(job.tex, f.runaway);
  int line = document_line(job.line_map, f.tex_line);
  std::string msg = "LaTeX failed: " + (f.message.empty() ? std::string("see the log") : f.message);
  if (!f.context.empty()) msg += " (at `" + f.context + "`)";
  throw Error(ErrorKind::Document, msg, SourceLoc{job.doc_path, line, 0},
              "the LaTeX log is in " + display_path(kept) + " and the LaTeX source in " + display_path(kept_tex));
}

}  // namespace waybill::render
