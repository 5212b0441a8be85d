#include "site/site_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "render/outputs.hpp"
#include "render/template.hpp"
#include "util/build_info.hpp"
#include "util/fs.hpp"
#include "util/install_paths.hpp"
#include "util/safe_path.hpp"
#include "util/report.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

bool write_if_changed(const fs::path& path, std::string_view data, bool make_parent) {
  auto old = read_file_if_exists(path);
  if (old && *old == data) return false;
  if (make_parent) make_dirs(path.parent_path());
  write_file_atomic(path, data);
  return true;
}

std::string SiteFiles::generated_page(const std::string& html, const std::string& title, const std::string& body) const {
  size_t at = 0;
  for (size_t i = 0; i < nav.size(); ++i)
    if (nav[i].html == html) at = i;
  render::TemplateValue v;
  v.set("lang", "en");
  v.set("pagetitle", escape_html(title));
  v.set("site-title", escape_html(project.title));
  v.set("generator", std::string("waybill ") + build_info::version);
  v.set("root", "");
  v.set("nav", nav_html(nav, html));
  v.set("prev", prev_html(nav, at));
  v.set("next", next_html(nav, at));
  v.set("site-provenance", nav.back().html);
  v.set("head", "<link rel=\"stylesheet\" href=\"_waybill/waybill.css\">\n");
  v.set("body", body);
  fs::path tmpl = templates_dir() / "site" / "page.html";
  return render::expand_template(read_file(tmpl), tmpl.string(), v);
}

std::vector<std::string> SiteFiles::write(bool pages_rendered) const {
  std::vector<std::string> written;
  const fs::path& out = project.output;
  auto put = [&](const std::string& rel, std::string_view data) {
    if (write_if_changed(out / rel, data)) written.push_back(rel);
  };
  fs::path site_templates = templates_dir() / "site";
  put("_waybill/site.css", read_file(site_templates / "site.css"));
  put("_waybill/search.js", read_file(site_templates / "search.js"));
  put("_waybill/search-index.js", search_index_js(pages));
  std::error_code ec;
  if (pages_rendered || !fs::exists(out / "_waybill" / "waybill.css", ec)) {
    render::OutputPaths shared{out, out / "index.html", "index", "_waybill", out / "_waybill"};
    CollectingReporter quiet;
    render::install_html_assets(shared, false, false, templates_dir(), quiet);
  }
  bool has_index = false;
  for (const auto& p : pages) has_index = has_index || p.html == "index.html";
  if (!has_index) put("index.html", generated_page("index.html", project.title, index_body(project.title, nav)));
  std::vector<PageRecord> records;
  for (const auto& p : pages) {
    std::string record = fs::path(p.html).replace_extension(".provenance.json").generic_string();
    auto text = read_file_if_exists(out / record);
    records.push_back(PageRecord{&p, record, text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json()});
  }
  const std::string& provenance = nav.back().html;  // the site's navigation ends with it
  put(provenance, generated_page(provenance, "Provenance", provenance_body(records)));
  // Opened beneath the project folder: a link in the folder cannot publish a file outside it.
  for (const auto& file : linked_files) {
    BeneathResult in = open_beneath(project.root, file, O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (in.fd && ::fstat(in.fd.get(), &st) == 0 && S_ISREG(st.st_mode)) put(file, read_fd(in.fd.get(), file));
  }
  return written;
}

}  // namespace waybill::site
