#pragma once
// The provenance record of a render (the pipeline's `prov` stage): an in-toto Statement
// v1 whose predicate is SLSA provenance v1. Its subjects are the files the render wrote;
// its resolved dependencies are the document's images (by manifest digest), their bases
// and how each was obtained, the declared inputs, the templates and the bibliography; its
// byproducts describe every cell and inline expression: language, image, code, cache
// key, whether it came from the cache, how it ended, its time and its outputs' digests.
// Pure data in, JSON out; render/ gathers the data and writes the file.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doc/model.hpp"
#include "exec/executor.hpp"

namespace waybill::prov {

struct RecordInput {
  const doc::Document* document = nullptr;
  std::string document_digest;                   // sha256:... of its source
  nlohmann::json options;                        // the render options that shaped the outputs
  const exec::Results* results = nullptr;        // nullptr: nothing ran
  // Files the render wrote, relative to `output_dir`, which subjects are named by.
  std::filesystem::path output_dir;
  std::vector<std::filesystem::path> outputs;
  // Other files the render read: templates, bibliographies (path, what it is).
  std::vector<std::pair<std::filesystem::path, std::string>> read_files;
  std::string invocation_id;
  std::string started_on, finished_on;           // RFC 3339, UTC
};

// Throws Error(Io) when an output or a read file cannot be hashed.
nlohmann::json make_statement(const RecordInput& input);

// "sha256:..." of a file's content.
std::string file_digest(const std::filesystem::path& file);

// The record's name for an output `paper.html`: `paper.provenance.json`.
std::filesystem::path record_path(const std::filesystem::path& output_dir, const std::string& stem);

// A random version 4 UUID, for invocation ids.
std::string random_uuid();

// Now, as RFC 3339 in UTC with seconds.
std::string utc_now();

}  // namespace waybill::prov
