#include "site/project_images.hpp"

#include "oci/module_api.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::site {

std::set<std::string> project_images_used(const plan::Plan& plan) {
  std::set<std::string> used;
  for (const auto& s : plan.sessions)
    if (const auto* b = plan.image_block(s.image); b && !b->prebuilt_tag.empty()) used.insert(s.image);
  return used;
}

exec::DocumentImage build_project_image(const Project& project, const ProjectImage& image, Reporter& reporter,
                                        const BuildPolicy& policy) {
  reporter.status("image " + image.plan.name + ": building (for every page that uses it)");
  exec::ImageSettings s;
  s.doc_dir = image.context;
  s.doc_path = image.plan.loc.file;
  s.build = policy;
  std::vector<BaseRecipe> bases =
      project.manifest ? exec::base_recipes(*project.manifest, project.root) : std::vector<BaseRecipe>{};
  exec::DocumentImage built = exec::build_image(image.plan, bases, image.plan.prebuilt_tag, s, reporter);
  built.prebuilt = true;
  return built;
}

void pack_project_data(const ProjectData& data, Reporter& reporter) {
  ImageRequest pack;
  pack.verb = ImageRequest::Verb::PackData;
  pack.source = data.dir.string();
  pack.name = data.name;
  try {
    engine_module::image(pack, reporter);
  } catch (Error& e) {
    throw e.with_loc_if_unknown(data.loc);
  }
}

}  // namespace waybill::site
