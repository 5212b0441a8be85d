#pragma once
// PDF through latexmk and pdflatex, run in a temporary directory that holds the .tex and
// the staged images. A LaTeX error is reported at the document line it came from, as far
// as the writer's line map can tell, with the log kept beside the output.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace waybill::render {

struct PdfJob {
  std::string tex;                                  // the complete LaTeX source
  std::vector<std::pair<int, int>> line_map;        // (.tex line, document line), ascending
  std::filesystem::path work_dir;                   // holds staged images; the build runs here
  std::filesystem::path output;                     // where the PDF goes
  std::string doc_path;                             // for messages
};

void build_pdf(const PdfJob& job);

// The document line for a .tex line, from a writer's line map (0 when unknown).
int document_line(const std::vector<std::pair<int, int>>& line_map, int tex_line);

}  // namespace waybill::render
