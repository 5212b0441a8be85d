#pragma once
// Cache keys of cells and inline expressions (ARCHITECTURE.md, "The reproducibility contract"). A
// key covers the image's digest, the key of the step before it in its session (so a
// change reaches every later step), its code and the options that change what runs,
// the content of the declared inputs, and the run settings. Options that only change
// how a result is shown (echo, include, output, fig-cap) are left out: editing them
// re-renders without re-running.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "doc/model.hpp"
#include "plan/plan.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::plan {

struct InputFile {
  std::string path;    // relative to the document's directory
  std::string digest;  // sha256:...
};

// The manifest's `inputs`, matched (shell globs, relative to the document) and hashed.
struct DeclaredInputs {
  std::vector<InputFile> files;  // sorted by path
  std::string digest;            // of the list: one value for the keys
};

// Throws Error(Document) when a glob leaves the document's directory; a glob that
// matches nothing is a warning at the manifest.
DeclaredInputs hash_inputs(const Manifest& manifest, const std::filesystem::path& doc_dir, Reporter& reporter);

// What else a session's results depend on: network, limits, env, mounts, the command and
// the driver (`driver` is a digest of its source, so a new driver re-runs cells), and the
// digest of every data image mounted (`data_digests`, by name: a new dataset re-runs).
std::string run_settings(const Manifest& manifest, const SessionPlan& session, const std::string& driver,
                         const std::map<std::string, std::string>& data_digests = {});

struct KeyParts {
  std::string image_digest;
  std::string previous;   // the key of the session's previous step; "" for the first
  std::string inputs;     // DeclaredInputs::digest
  std::string settings;   // run_settings()
};

// "sha256 hex" keys.
std::string cell_key(const KeyParts& parts, const doc::Cell& cell);
std::string inline_key(const KeyParts& parts, const InlinePlan& expression);

// SHA-256 of text, as lower-case hex.
std::string sha256_hex(std::string_view text);

}  // namespace waybill::plan
