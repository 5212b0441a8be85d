// waybill build: a Dockerfile into an image in the store.
#include <unistd.h>

#include <cstdio>

#include "modules/document_api.hpp"
#include "cli/verbs.hpp"
#include "doc/input_formats.hpp"
#include "oci/module_api.hpp"
#include "modules/document_api.hpp"
#include "util/module.hpp"

namespace waybill::cli {

namespace {

bool is_document(const std::string& file) { return doc::is_document_path(file); }

// A document's Dockerfile block as the request's Dockerfile, located in the document.
void take_block(BuildRequest& req, const std::string& name, Reporter& reporter) {
  std::vector<driver::DockerfileBlock> images = document_module::dockerfile_blocks(req.dockerfile, reporter);
  std::string names;
  for (const auto& i : images) names += (names.empty() ? "" : ", ") + i.name;
  const driver::DockerfileBlock* chosen = nullptr;
  for (const auto& i : images)
    if (name.empty() ? images.size() == 1 : i.name == name) chosen = &i;
  if (!chosen) {
    if (images.empty())
      throw Error(ErrorKind::Usage, req.dockerfile + " has no Dockerfile block", {},
                  "add one: ```dockerfile {#env} ... ```");
    throw Error(ErrorKind::Usage,
                name.empty() ? req.dockerfile + " has several Dockerfile blocks" : "no Dockerfile block is named `" + name + "`",
                {}, "choose one with --image NAME: " + names);
  }
  req.dockerfile_text = chosen->dockerfile;
  req.dockerfile_name = req.dockerfile;
  req.first_line = chosen->first_line;
  req.bases = chosen->bases;  // FROM images the store lacks come from the manifest, as in render
}

}  // namespace

VerbRunner add_build(CLI::App& sub, GlobalOptions& global) {
  auto req = std::make_shared<BuildRequest>();
  auto quiet = std::make_shared<bool>(false);
  sub.description("Build an image from a Dockerfile (BuildKit syntax) with waybill's own engine: RUN steps run in "
                  "boxes, every step is cached by content, and with SOURCE_DATE_EPOCH two clean builds give the "
                  "same digest. Prints the image's digest.");
  sub.add_option("context", req->context, "The build context: the directory COPY and ADD read from")
      ->capture_default_str();
  sub.add_option("-f,--file", req->dockerfile, "The Dockerfile (default: CONTEXT/Dockerfile), or a document (.md, "
                                              ".Rmd, .qmd) whose Dockerfile block to build");
  auto block = std::make_shared<std::string>();
  sub.add_option("--image", *block, "With a document: the Dockerfile block to build (```dockerfile {#NAME}); "
                                    "needed when it has several");
  sub.add_option("-t,--tag", req->tags, "Name the image (repeatable), e.g. -t analysis:1.0")
      ->allow_extra_args(false);
  sub.add_option("--build-arg", req->build_args, "Set a build argument (repeatable): NAME=VALUE, or NAME to take "
                                                 "it from the environment")
      ->allow_extra_args(false);
  sub.add_option("--target", req->target, "Build this stage (and what it needs) instead of the last");
  sub.add_flag("--no-cache", req->policy.no_cache, "Run every step, ignoring the build cache");
  auto pull = std::make_shared<std::string>("missing");
  sub.add_option("--pull", *pull, "Pull a FROM image the store lacks from its registry: missing (the default) or never")
      ->check(CLI::IsMember({"missing", "never"}))
      ->each([req, pull](const std::string& v) { req->policy.pull_bases = v != "never"; });  // keeps `pull` alive
  sub.add_option("--network", req->network, "RUN steps' network: host (the default, so apt-get works) or none")
      ->check(CLI::IsMember({"host", "none", "default"}))
      ->capture_default_str();
  sub.add_option("--source-date-epoch", req->source_date_epoch,
                 "Timestamps for reproducible builds (else --build-arg or the SOURCE_DATE_EPOCH variable)");
  sub.add_option("--compression", req->compression, "Layer compression: gzip (default), zstd or none")
      ->check(CLI::IsMember({"gzip", "zstd", "none"}));
  sub.add_flag("-q,--quiet", *quiet, "Print only the image digest");
  auto progress = std::make_shared<std::string>("auto");
  sub.add_option("--progress", *progress, "auto (compact on a terminal, plain otherwise), plain (every step and its "
                                          "output, for logs) or tty")
      ->check(CLI::IsMember({"auto", "plain", "tty"}))
      ->capture_default_str();
  return [req, quiet, progress, block, &global]() {
    GlobalOptions options = global;
    options.quiet = options.quiet || *quiet;
    ConsoleReporter::Progress style = *progress == "tty"     ? ConsoleReporter::Progress::Tty
                                      : *progress == "plain" ? ConsoleReporter::Progress::Plain
                                                             : ConsoleReporter::Progress::Auto;
    ConsoleReporter console(options.quiet, !options.no_color && stderr_has_color(), style);
    try {
      if (is_document(req->dockerfile)) take_block(*req, *block, console);
      BuildResponse response = engine_module::build(*req, console);
      std::fprintf(stdout, "%s\n", response.digest.c_str());
      return 0;
    } catch (const Error& e) {
      return report_error(e, options);
    }
  };
}

}  // namespace waybill::cli
