#pragma once
// What the person running waybill grants the documents it renders (site/security.md).
// A document asks in its manifest for what it needs; what it asks beyond the defaults
// (the host's network, host folders to mount, limits above the default ceilings, files
// outside its project) must be granted on the command line. A project's waybill.yml is
// part of what is rendered, so it cannot grant itself anything.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/manifest.hpp"
#include "util/project_paths.hpp"

namespace waybill::plan {

struct Grants {
  bool trust = false;                          // --trust: all of the below, and any path
  bool network = false;                        // --allow-network: `network: host`
  std::vector<std::filesystem::path> mounts;  // --allow-mount PATH: host mounts of PATH or beneath
  std::vector<std::filesystem::path> paths;   // --allow-path DIR: files beyond the project
  LimitSettings ceilings;                      // --limit KEY=VALUE: how far the manifest's limits may go

  // The roots a document of project `project` may read beneath.
  PathRoots roots(const std::filesystem::path& project) const { return PathRoots::of(project, paths, trust); }
  // For the provenance record: what was granted ({} when nothing was).
  nlohmann::json to_json() const;
  // For the page: "--trust", or "--allow-network, --allow-mount /data"; "" for nothing.
  std::string describe() const;
};

// What every cell gets when its manifest says nothing: memory 2 GiB, 1024 processes, 10
// minutes a cell, an hour a document, and the output limits of exec/output_checks.hpp.
// Without a grant, they are also the most a manifest may ask for.
LimitSettings default_limits();

// What RUN steps of a build get: memory 8 GiB, 4096 processes, two hours a step.
LimitSettings default_build_limits();

// Sets a ceiling from `--limit KEY=VALUE` (memory, pids, timeout, document-timeout,
// output, cell-output, document-output). Throws Error(Usage) for a wrong key or value.
void set_ceiling(LimitSettings& ceilings, const std::string& assignment);

// The limits a document's cells run with: the manifest's over the defaults. A value above
// its ceiling (the grant, else the default) throws Error(Document) at its line, naming
// the flag that would allow it.
LimitSettings effective_limits(const Manifest& manifest, const Grants& grants);

// Refuses, at their lines, what the manifest asks and the grants do not allow: the
// host's network, mounts of host folders outside the project or writable, and base
// archives outside the project. Relative paths are relative to `doc_dir`.
void check_privileges(const Manifest& manifest, const Grants& grants, const std::filesystem::path& project,
                      const std::filesystem::path& doc_dir);

}  // namespace waybill::plan
