#include "cli/trust_flags.hpp"

namespace waybill::cli {

plan::Grants TrustFlags::grants() const {
  plan::Grants g;
  g.trust = trust;
  g.network = network;
  for (const auto& m : mounts) g.mounts.push_back(std::filesystem::absolute(m).lexically_normal());
  for (const auto& p : paths) g.paths.push_back(std::filesystem::absolute(p).lexically_normal());
  for (const auto& l : limits) plan::set_ceiling(g.ceilings, l);
  return g;
}

void add_trust_flags(CLI::App& sub, TrustFlags& f) {
  const char* group = "Trust (documents may come from strangers; see site/security.md)";
  sub.add_flag("--trust", f.trust,
               "Trust the documents: let them read any file, use the host's network, mount any host folder and "
               "raise any limit (for your own documents, never for a pull request)")
      ->group(group);
  sub.add_flag("--allow-network", f.network, "Let cells use the host's network when the manifest asks (network: host)")
      ->group(group);
  sub.add_option("--allow-mount", f.mounts,
                 "Let the manifest mount this host folder, or one beneath it, also writable (repeatable)")
      ->type_name("PATH")
      ->group(group);
  sub.add_option("--allow-path", f.paths,
                 "Let documents read files beneath this folder too (templates, bibliographies, pages, data; "
                 "repeatable); by default only their project's")
      ->type_name("DIR")
      ->group(group);
  sub.add_option("--limit", f.limits,
                 "Let the manifest raise a limit up to VALUE (repeatable): memory, pids, timeout, "
                 "document-timeout, output, cell-output, document-output; e.g. --limit memory=8g")
      ->type_name("KEY=VALUE")
      ->group(group);
}

}  // namespace waybill::cli
