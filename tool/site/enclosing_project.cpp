#include "site/enclosing_project.hpp"

#include "site/page_scan.hpp"
#include "site/project_images.hpp"
#include "util/report.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

EnclosingProjects::Found* EnclosingProjects::load(const fs::path& dir, Reporter& reporter) {
  auto& slot = projects_[dir];
  if (!slot) {
    auto found = std::make_unique<Found>();
    found->project = load_project(dir, "", grants_.roots(dir), reporter);
    found->context = reading_context(found->project);
    slot = std::move(found);
  }
  return slot.get();
}

driver::PageContext* EnclosingProjects::page_for(const fs::path& file, Reporter& reporter) {
  std::error_code ec;
  fs::path doc = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (ec) return nullptr;
  // The nearest waybill.yml above decides: a document that is not one of its pages
  // belongs to no project (the site would not render it either).
  for (fs::path dir = doc.parent_path();; dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "waybill.yml", ec)) {
      Found* found = nullptr;
      try {
        found = load(dir, reporter);
      } catch (Error& e) {
        // The error is in waybill.yml, not in the document named on the command line.
        throw e.add_context("reading the project of " + file.string());
      }
      for (const auto& entry : found->project.pages)
        if (fs::weakly_canonical(found->project.page_file(entry), ec) == doc) return &found->context;
      return nullptr;
    }
    if (dir == dir.parent_path()) return nullptr;
  }
}

void EnclosingProjects::prepare_images(driver::PageContext& page, const plan::Plan& plan,
                                       const exec::RunPolicy& policy, Reporter& reporter) {
  Found* found = nullptr;
  for (auto& [dir, f] : projects_)
    if (&f->context == &page) found = f.get();
  if (!found) return;
  std::set<std::string> used = project_images_used(plan);
  for (const auto& image : found->project.images) {
    if (!used.count(image.plan.name) || page.prepared_images.count(image.plan.name)) continue;
    page.prepared_images[image.plan.name] =
        build_project_image(found->project, image, reporter, policy.build);
  }
  // The project's data folders the page mounts, packed as the site packs them (the same
  // files give the same image), so that the page sees the folder as it is now.
  for (const auto& data : found->project.data) {
    bool mounted = false;
    for (const auto& m : plan.manifest.mounts) mounted = mounted || m.image == data.name;
    if (!mounted || found->packed.count(data.name)) continue;
    pack_project_data(data, reporter);
    found->packed.insert(data.name);
  }
}

}  // namespace waybill::site
