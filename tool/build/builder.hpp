#pragma once
// `waybill build`: a Dockerfile and its context into an image in the store. Stages are
// built when the target needs them (FROM a stage, COPY --from); each step's result is
// cached under a key of its parent, its expanded instruction, the ARG and ENV values it
// sees and, for COPY and ADD, the content of its sources, so a rebuild runs only what
// changed. RUN steps run in boxes (tool/box) whose upper layer becomes the step's layer;
// COPY, ADD and WORKDIR edit an overlay of the image directly (build/root_edit.hpp).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "box/spec.hpp"
#include "build/syntax_tree.hpp"
#include "oci/image_json.hpp"
#include "oci/module_api.hpp"
#include "oci/reference.hpp"
#include "oci/store.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::build {

struct BuildOptions {
  std::filesystem::path context;   // the directory COPY and ADD read from
  std::string dockerfile;          // its text
  ParseSource source;              // where it came from, for error locations
  std::vector<oci::ImageRef> tags;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string target;              // a stage name; empty: the last stage
  BuildPolicy policy;  // refresh_bases: obtain_base is called for every base, even one the store has
  box::Network network = box::Network::Host;  // RUN's default; `RUN --network` overrides it
  std::optional<int64_t> source_date_epoch;   // timestamps and mtimes, for reproducible digests
  oci::Compression compression = oci::Compression::Gzip;
  // Called when FROM names an image the store does not have. It puts the image there
  // and says how it got it ("bootstrap", "archive"), or returns nullopt when it knows
  // no way, and the build fails as it would without it.
  std::function<std::optional<std::string>(const std::string& reference, const SourceLoc& from)> obtain_base;
};

// A base image a build started from (FROM), and where it came from: "store" when it
// was there already, else what obtain_base said.
struct BaseUse {
  std::string reference;
  oci::Digest digest;
  std::string origin;
  std::map<std::string, std::string> labels;  // its org.waybill.* labels (how it was bootstrapped)
};

struct BuildResult {
  oci::Descriptor manifest;
  size_t steps = 0, cached = 0;
  std::vector<BaseUse> bases;
};

// Progress goes to `reporter` as status lines ("[build 3/7] RUN make", "CACHED", the
// time taken) and a failed RUN's last output lines in the error. Where the reporter
// redraws (a terminal), each step is one line, drawn while it runs; elsewhere every line
// a RUN step prints is passed on, for logs and CI. Throws Error: Document
// for a wrong Dockerfile (located), Cell for a failing RUN, Environment without root.
BuildResult build_image(const oci::Store& store, const BuildOptions& options, Reporter& reporter);

}  // namespace waybill::build
