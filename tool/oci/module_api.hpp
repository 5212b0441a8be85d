#pragma once
// The engine module (util/module.hpp): image store operations, builds and registries,
// with libarchive, zlib, zstd, libdeflate and libcurl behind them. The CLI fills the
// request; the module does the work and returns the text the verb prints on stdout.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oci/bootstrap_recipe.hpp"
#include "util/error.hpp"
#include "util/module_call.hpp"

namespace waybill {

class Reporter;

struct ImageRequest {
  enum class Verb { Import, Load, Save, List, Inspect, Tag, Remove, Bootstrap, Fsck, Prune, Unpack, Pull, Push, Login, Logout, PackData, DiskUsage };
  Verb verb = Verb::List;
  std::vector<std::string> args;     // load, save, inspect, rm: files or names
  std::string source;                // import: the rootfs tarball; pack-data: the folder; tag: the image
  std::string output;                // save: -o FILE
  std::string name;                  // import, bootstrap: the new image's name; tag: the target
  std::string compression = "gzip";  // import, bootstrap
  oci::BootstrapRecipe bootstrap;    // bootstrap
  bool json = false;                 // ls, df: --json
  bool quiet = false;                // ls -q: IDs only
  bool build_cache = false;          // prune --build-cache
  std::string platform = "linux/amd64";  // pull
  std::string authfile;              // pull, push, login, logout: --authfile
  std::string username, password;    // login
  bool all = false;                  // logout --all
};

struct ImageResponse {
  std::string out;   // what the verb prints on stdout
  int exit_code = 0;
};

// How a build treats its cache and its bases, in one definition: `waybill build`'s flags,
// a document's images (render, check --no-cache and --rebuild) and a site's.
struct BuildPolicy {
  bool no_cache = false;       // run every step again, ignoring the build cache
  // FROM names an image the store lacks: pull it from its registry (or mirrors) before
  // trying `bases`. Off for builds that must not touch the network.
  bool pull_bases = true;
  // Obtain every base that has a recipe again, even when the store has it (`check
  // --rebuild`: a base that changed upstream shows as drift).
  bool refresh_bases = false;
};

// How to get a base image (FROM) the store lacks: a document manifest's `bases`.
struct BaseRecipe {
  std::string reference;             // the FROM name it provides
  std::string archive;               // a docker or OCI archive; when empty, bootstrap:
  oci::BootstrapRecipe bootstrap;
};

// `waybill build`, and a document's images: what to build, as plain values.
struct BuildRequest {
  std::string context = ".";
  std::string dockerfile;                // path; empty: CONTEXT/Dockerfile
  // A Dockerfile given as text (a document's block): its name for messages, and the
  // line it starts on, so errors point into the document.
  std::optional<std::string> dockerfile_text;
  std::string dockerfile_name;
  int first_line = 1;
  std::vector<std::string> tags;
  std::vector<std::string> build_args;   // K=V, or K to take the value from the environment
  std::string target;
  BuildPolicy policy;
  std::string network = "host";
  std::optional<int64_t> source_date_epoch;
  std::string compression = "gzip";
  std::vector<BaseRecipe> bases;
};

struct BuildResponse {
  std::string digest;                    // the image's manifest digest
  size_t steps = 0, cached = 0;
  struct Base {
    std::string reference, digest;
    std::string origin;                  // store, registry, bootstrap or archive
    // org.waybill.*: a bootstrap's suite, mirror and packages (config labels); a pull's
    // source reference and host (store annotations, oci/registry_ops.hpp).
    std::map<std::string, std::string> labels;
  };
  std::vector<Base> bases;
};

// The module's verbs (modules/engine_module.cpp), through the checked C table of
// util/module_call.hpp. Each throws the Error the module replied with.
inline constexpr ModuleId kEngineModule{"engine", "waybill_engine_module", 11};

namespace engine_module {

ImageResponse image(const ImageRequest& request, Reporter& reporter);
// Makes an image ready to run: every layer unpacked and its cache/run entry written
// (oci/run_config.hpp). `home` is the store's directory.
void prepare_run(const std::string& home, const std::string& image, Reporter& reporter);
// Builds an image from a Dockerfile.
BuildResponse build(const BuildRequest& request, Reporter& reporter);
LibraryVersions library_versions();

}  // namespace engine_module

}  // namespace waybill
