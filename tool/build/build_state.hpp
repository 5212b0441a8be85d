#pragma once
// What the builder carries from step to step (internal to tool/build): the image so far,
// the values in scope, and the build-wide context every step reads.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "build/builder.hpp"
#include "build/dockerignore.hpp"
#include "build/instructions.hpp"
#include "build/shell_words.hpp"
#include "util/fs.hpp"

namespace waybill::build {

struct ImageState {
  oci::ImageConfig config;                     // env, cmd, labels, history, rootfs...
  std::vector<oci::Descriptor> layers;         // lowest first
  std::vector<std::filesystem::path> layer_dirs;
  std::vector<std::string> shell{"/bin/sh", "-c"};
  std::map<std::string, std::string> args;     // ARG values in scope (not part of the image)
  std::string key;                             // the cache key of everything up to here
  bool cmd_set = false;                        // CMD given in this stage (ENTRYPOINT keeps it)
};

struct BuildRun {
  const oci::Store& store;
  const BuildOptions& options;
  Reporter& reporter;
  IgnoreRules ignore;
  UniqueFd context;                                      // O_PATH directory fd
  std::map<std::string, std::string> build_args;        // --build-arg
  std::set<std::string> consumed;                       // build args some ARG declared
  std::map<std::string, std::optional<std::string>> meta_args;  // ARG before FROM, resolved
  std::string created;                                  // RFC 3339: SOURCE_DATE_EPOCH or now
  std::string seccomp;                                  // the compiled profile, read on first RUN
  size_t steps = 0, cached = 0;
  std::vector<BaseUse> bases;                           // in the order FROM met them

  BuildRun(const oci::Store& s, const BuildOptions& o, Reporter& r) : store(s), options(o), reporter(r) {}
};

// Word expansion in a stage: ENV values win over ARG values of the same name.
EnvLookup stage_env(const ImageState& state);
ShellWordOptions word_options(const Dockerfile& df);

// The cache key of a step: its parent's key and what it does.
std::string hash_key(const std::string& parent, const std::string& description);

// A string of the config's `config` object ("User", "WorkingDir"), "" when unset.
std::string runtime_string(const ImageState& state, const char* key);

// The config's WorkingDir, "/" when unset.
std::string workdir_of(const ImageState& state);

// "K=V" entries of the config's Env, and setting one.
std::vector<std::string> config_env(const ImageState& state);
void set_config_env(ImageState& state, const std::string& name, const std::string& value);

// ENV, LABEL, ARG, CMD and the other instructions that change only the configuration:
// `state` gets their effect, a history entry and a new cache key.
void apply_config_step(BuildRun& run, const Dockerfile& df, const Instruction& in, ImageState& state);

// The step kinds that change files. Each returns with `state` advanced by one layer (or
// none, when nothing changed) and a history entry.
// `label` ("[build 3/7] ") prefixes the live view of the step's output.
void run_step(BuildRun& run, const Instruction& in, ImageState& state, const std::string& label);
void copy_step(BuildRun& run, const Dockerfile& df, const Instruction& in, ImageState& state,
               const ImageState* from_state, const std::string& from_label);
void workdir_step(BuildRun& run, const std::string& path, ImageState& state);

// Packs `upper` (an overlay upper directory) into a layer and adds it to `state`, or
// adds an empty-layer history entry when nothing changed.
void commit_upper(BuildRun& run, const std::filesystem::path& upper, const std::string& created_by, ImageState& state);
void add_history(BuildRun& run, ImageState& state, const std::string& created_by, bool empty_layer);

// The heredoc a COPY or ADD source word names (`<<EOF`, `<<-"EOF"`), or null.
const Heredoc* heredoc_source(const Instruction& in, const std::string& word);

// A content digest of what `in`'s sources name in the context, for the cache key.
std::string context_digest(BuildRun& run, const std::vector<std::string>& patterns);

}  // namespace waybill::build
