#pragma once
// A document's Dockerfile blocks as `waybill build -f DOC` builds them: each with its
// place in the document and the manifest's recipes for bases the store lacks.
#include <string>
#include <vector>

#include "oci/module_api.hpp"
#include "plan/trust.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

class ProjectLookup;  // driver/project_lookup.hpp

struct DockerfileBlock {
  std::string name;
  std::string dockerfile;
  int first_line = 0;             // the document line of the Dockerfile's first line
  std::vector<BaseRecipe> bases;  // the manifest's `bases`, for FROM images the store lacks
};

// The blocks in document order. The document is prepared as render prepares it, so
// its plan's warnings and errors are the same.
// `projects` (may be null) finds the project the document is a page of: its manifest's
// `bases` count too.
std::vector<DockerfileBlock> dockerfile_blocks(const std::string& file, const plan::Grants& grants,
                                               ProjectLookup* projects, Reporter& reporter);

}  // namespace waybill::driver
