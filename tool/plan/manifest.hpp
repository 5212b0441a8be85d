#pragma once
// The manifest block (```yaml {.manifest}) as validated settings: how a document's cells
// run. Every key is checked against the schema below; a wrong key or type is an error at
// its line in the document, with a hint.
//
//   languages:            per language: the image and the interpreter command
//     python: {image: analysis, command: [python3, -u]}
//     r: {image: analysis, driver: jupyter, kernel: ir}   a Jupyter kernel of the image
//   inputs: [data/*.csv]  globs, relative to the document, hashed into cache keys
//   mounts:               host paths (relative to the document), read-only unless `rw`
//     - data:/data        or {source: data, target: /data, writable: true}
//     - {image: survey-data, target: /data}   a data image (image pack-data), read-only
//   env: {LANG: C.UTF-8}  or a list of K=V
//   network: none         none (the default) or host
//   limits: {memory: 1g, cpus: 1.5, pids: 256, timeout: 2m, document-timeout: 30m,
//            output: 8m, cell-output: 16m, document-output: 64m}
//   bases:                how to get a FROM image that is not in the store
//     debian:bookworm:
//       bootstrap: {suite: bookworm, mirror: "http://deb.debian.org/debian", include: [python3]}
//     mybase:1.0: {archive: images/mybase.tar}
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doc/meta.hpp"
#include "oci/bootstrap_recipe.hpp"
#include "util/source_loc.hpp"

namespace waybill::plan {

struct LanguageSettings {
  std::string image;                 // empty: chosen another way (see plan.hpp)
  std::vector<std::string> command;  // empty: the driver's default
  // `driver: jupyter`: the cells run in this kernelspec of the image (exec/kernel_session.hpp)
  // instead of waybill's own driver; empty for the built-in one.
  std::string kernel;
  SourceLoc loc;
};

struct MountSetting {
  std::string source;  // as written: relative to the document's directory, or absolute
  std::string image;   // or: an image in the store, mounted read-only (source is empty)
  std::string target;  // absolute, inside the box
  bool writable = false;
  SourceLoc loc;
};

struct LimitSettings {
  std::optional<uint64_t> memory_bytes;
  std::optional<double> cpus;
  std::optional<uint64_t> pids;
  std::optional<std::chrono::milliseconds> cell_timeout;
  std::optional<std::chrono::milliseconds> document_timeout;
  // What cells may put out (exec/output_checks.hpp has the defaults): one output, one
  // cell, the whole document.
  std::optional<uint64_t> output_bytes, cell_output_bytes, document_output_bytes;
  std::map<std::string, SourceLoc> where;  // each key's place, for errors about its value
};

using oci::BootstrapRecipe;  // oci/bootstrap_recipe.hpp

struct BaseSource {
  std::string reference;             // the FROM name it provides
  std::optional<BootstrapRecipe> bootstrap;
  std::string archive;               // or: a docker/oci archive, relative to the document
  SourceLoc loc;
};

enum class NetworkSetting { None, Host };

struct Manifest {
  std::map<std::string, LanguageSettings> languages;  // keyed by lower-case language
  std::vector<std::string> inputs;
  std::vector<MountSetting> mounts;
  std::vector<std::pair<std::string, std::string>> env;
  NetworkSetting network = NetworkSetting::None;
  SourceLoc network_loc;
  LimitSettings limits;
  std::vector<BaseSource> bases;
  SourceLoc loc;  // the block's fence

  const BaseSource* base_for(const std::string& reference) const;
};

// Validates `value` (the parsed block). `file` names the document for error locations.
// Throws Error(Document) at the offending key or value.
Manifest read_manifest(const doc::MetaValue& value, const std::string& file);

}  // namespace waybill::plan
