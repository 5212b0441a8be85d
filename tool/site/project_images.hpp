#pragma once
// What a project makes before its pages run: the images of waybill.yml's `images` (built
// once for every page that uses them) and the data images of its `data` folders.
#include <set>
#include <string>

#include "exec/images.hpp"
#include "plan/plan.hpp"
#include "site/project.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::site {

// The project images a plan's sessions run in, by name.
std::set<std::string> project_images_used(const plan::Plan& plan);

// Builds `image` with the project's base recipes, tagged for the project.
exec::DocumentImage build_project_image(const Project& project, const ProjectImage& image, Reporter& reporter,
                                        const BuildPolicy& policy = {});

// Packs the folder of `data` into its data image (the same files give the same digest).
void pack_project_data(const ProjectData& data, Reporter& reporter);

}  // namespace waybill::site
