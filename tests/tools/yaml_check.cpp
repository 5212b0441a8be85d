// Reads a YAML file through waybill's YAML reader (doc/yaml_meta.hpp) and says whether
// it is accepted: exit 0, or 1 with the located error. For bench/yaml_conformance.sh,
// which runs the YAML test suite through it.
#include <cstdio>

#include "doc/yaml_meta.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: yaml_check FILE\n");
    return 2;
  }
  try {
    std::string text = waybill::read_file(argv[1]);
    waybill::doc::parse_yaml(text, waybill::doc::YamlOrigin{argv[1], "YAML", 1, 0});
    return 0;
  } catch (const waybill::Error& e) {
    std::printf("%s:%d:%d: %s\n", argv[1], e.loc().line, e.loc().col, e.message().c_str());
    return 1;
  }
}
