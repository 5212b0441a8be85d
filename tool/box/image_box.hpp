#pragma once
// `waybill run`: an image from the store, started as a box. The image's Entrypoint,
// Cmd, Env, WorkingDir and User are honoured, with Docker's rules for the options that
// override them. The box itself (box.hpp) knows nothing of images; this is the glue.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "box/box.hpp"
#include "box/spec.hpp"
#include "oci/run_config.hpp"
#include "util/report.hpp"

namespace waybill::box {

struct RunOptions {
  std::string image;
  std::vector<std::string> command;         // replaces the image's Cmd
  std::optional<std::string> entrypoint;    // --entrypoint; "" clears the image's
  std::vector<std::string> env;             // "K=V", or "K" to pass our own value of K
  std::vector<std::string> volumes;         // "SRC:DST[:ro|:rw]"
  std::vector<std::string> ulimits;         // "nofile=1024[:2048]"
  std::string workdir, user, hostname;
  Network network = Network::None;
  Limits limits;
  std::chrono::milliseconds timeout{0};
  bool interactive = false, tty = false;
};

// "SRC:DST[:ro|:rw]": SRC must exist (relative to `cwd` if not absolute), DST must be
// absolute. Read-write unless `ro`, as in Docker. Throws Error(Usage).
BindMount parse_volume(std::string_view text, const std::filesystem::path& cwd);

// "NAME=SOFT[:HARD]" with Docker's names (nofile, nproc, core, cpu, fsize, stack, as,
// memlock, data, ...). Throws Error(Usage).
Rlimit parse_ulimit(std::string_view text);

// The image's run configuration with the options on top; `layer_dirs` lowest first.
BoxSpec box_spec_for(const oci::RunConfig& image, const std::vector<std::filesystem::path>& layer_dirs,
                     const RunOptions& options);

// Finds the image, makes it runnable the first time (the engine module unpacks it),
// and runs it to its end.
BoxOutcome run_image(const RunOptions& options, Reporter& reporter);

// The spec run_image starts: the image found in `store` (unpacked and its run
// configuration cached on first use), the options applied. The caller holds the
// store's gc lock (shared) for as long as the box runs.
BoxSpec image_box_spec(const oci::Store& store, const RunOptions& options, Reporter& reporter);

// The unpacked layer directories of an image in `store`, lowest first, unpacked by the
// engine module the first time. The caller holds the store's gc lock (shared).
std::vector<std::filesystem::path> image_layer_dirs(const oci::Store& store, const std::string& image,
                                                    Reporter& reporter);

// The default seccomp profile as a BPF program: read from the store's cache, compiled
// by the box module (libseccomp) the first time.
std::string seccomp_program(const oci::Store& store);

}  // namespace waybill::box
