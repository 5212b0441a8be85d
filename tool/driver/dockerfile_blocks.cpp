#include "driver/dockerfile_blocks.hpp"

#include "driver/prepare.hpp"
#include "driver/project_lookup.hpp"
#include "exec/images.hpp"

namespace waybill::driver {

std::vector<DockerfileBlock> dockerfile_blocks(const std::string& file, const plan::Grants& grants,
                                               ProjectLookup* projects, Reporter& reporter) {
  PageContext* page = projects ? projects->page_for(file, reporter) : nullptr;
  PreparedDocument p = prepare(file, page, grants, reporter);
  std::vector<BaseRecipe> bases = exec::base_recipes(p.plan.manifest, p.doc_dir);
  std::vector<DockerfileBlock> blocks;
  for (const auto& block : p.doc.images) blocks.push_back(DockerfileBlock{block.name, block.dockerfile, block.first_line, bases});
  return blocks;
}

}  // namespace waybill::driver
