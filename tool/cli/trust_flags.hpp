#pragma once
// The flags with which the person running waybill grants documents more than the
// defaults (plan/trust.hpp); the same for render, check and site.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "plan/trust.hpp"

namespace waybill::cli {

struct TrustFlags {
  bool trust = false, network = false;
  std::vector<std::string> mounts, paths, limits;

  // Throws Error(Usage) for a wrong --limit.
  plan::Grants grants() const;
};

void add_trust_flags(CLI::App& sub, TrustFlags& flags);

}  // namespace waybill::cli
