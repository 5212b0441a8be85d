#pragma once
// How to make a Debian base with mmdebstrap, in one definition: what `waybill image
// bootstrap` takes on its command line, what a manifest's `bases` entry names, and what
// the builder runs for a FROM image the store lacks. The image's labels record it.
#include <string>
#include <vector>

namespace waybill::oci {

struct BootstrapRecipe {
  std::string suite = "bookworm";
  std::string mirror;                // empty: the machine's apt sources
  std::vector<std::string> include;  // extra packages
  std::string variant = "apt";
};

}  // namespace waybill::oci
