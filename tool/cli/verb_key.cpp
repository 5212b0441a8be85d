// waybill key generate : an Ed25519 key pair for signing provenance records.
#include <cstdio>

#include "modules/document_api.hpp"
#include "cli/verbs.hpp"
#include "util/fs.hpp"

namespace waybill::cli {

VerbRunner add_key(CLI::App& sub, GlobalOptions& global) {
  auto prefix = std::make_shared<std::string>("waybill-key");
  sub.description("Manage signing keys for provenance records.");
  sub.require_subcommand(1);
  CLI::App* gen = sub.add_subcommand(
      "generate", "Create an Ed25519 key pair: PREFIX.pem (private, mode 0600) and PREFIX.pub.pem (public)");
  gen->add_option("-o,--output", *prefix, "Path prefix of the two files (default: waybill-key in this directory)")
      ->type_name("PREFIX");
  return [prefix, gen, &global]() -> int {
    try {
      if (!gen->parsed()) return 2;
      prov::KeyFiles files = document_module::generate_key(*prefix);
      if (!global.quiet)
        std::printf("wrote %s (private: keep it secret) and %s (public: give it to whoever verifies)\n",
                    display_path(files.private_key).c_str(), display_path(files.public_key).c_str());
      return 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
