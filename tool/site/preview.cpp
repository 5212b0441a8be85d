#include "site/preview.hpp"

#include <optional>

#include "site/enclosing_project.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

void preview_document(driver::RenderRequest request, const ServeOptions& options, Reporter& reporter) {
  if (request.files.size() != 1)
    throw Error(ErrorKind::Usage, "preview shows one document at a time", {},
                "waybill preview DOC; for a folder of documents, waybill site DIR --serve");
  fs::path doc = request.files.front();
  std::optional<TempDir> scratch;
  if (request.output_dir.empty()) {
    scratch.emplace("waybill-preview-");
    request.output_dir = scratch->path().string();
  }
  request.formats = {"html"};
  request.self_contained = false;
  request.exiting_after = false;
  std::string page = doc.stem().string() + ".html";
  auto render = [&] {
    try {
      // Read again at every render: a save of the project's waybill.yml counts too.
      EnclosingProjects projects(request.grants);
      driver::RenderRequest this_render = request;
      this_render.projects = &projects;
      driver::render_documents(this_render, reporter);
      request.refresh = false;  // --refresh is for the first render
    } catch (const Error& e) {
      // The page stays as it was; the next save renders again.
      reporter.diagnostic(Diagnostic{Severity::Error, e.message(), e.loc(), e.hint()});
    }
  };
  render();
  std::error_code ec;
  fs::path folder = fs::absolute(doc, ec).lexically_normal().parent_path();
  serve_and_rebuild(WatchedServe{folder, request.output_dir, page, render}, options, reporter);
}

}  // namespace waybill::site
