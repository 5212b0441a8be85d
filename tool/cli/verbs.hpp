#pragma once
// The verb table (crun's commands[]): each verb file adds its flags to a CLI11
// subcommand and returns the function that runs it. main.cpp owns the global flags.
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

#include "cli/console.hpp"

namespace waybill {
struct ImageRequest;
}

namespace waybill::cli {

struct GlobalOptions {
  bool quiet = false;
  bool no_color = false;
};

using VerbRunner = std::function<int()>;

struct Verb {
  const char* name;
  const char* summary;
  VerbRunner (*add)(CLI::App& sub, GlobalOptions& global);
};

VerbRunner add_render(CLI::App& sub, GlobalOptions& global);
VerbRunner add_image(CLI::App& sub, GlobalOptions& global);
VerbRunner add_run(CLI::App& sub, GlobalOptions& global);
VerbRunner add_build(CLI::App& sub, GlobalOptions& global);
VerbRunner add_check(CLI::App& sub, GlobalOptions& global);
VerbRunner add_verify(CLI::App& sub, GlobalOptions& global);
VerbRunner add_key(CLI::App& sub, GlobalOptions& global);
VerbRunner add_login(CLI::App& sub, GlobalOptions& global);
VerbRunner add_logout(CLI::App& sub, GlobalOptions& global);
VerbRunner add_site(CLI::App& sub, GlobalOptions& global);
VerbRunner add_preview(CLI::App& sub, GlobalOptions& global);

// Hands a request to the engine module and prints its answer (image verbs, login).
int run_image(const ImageRequest& request, const GlobalOptions& global);

// `waybill --version`: this binary and every library it links, modules included.
int print_version();

// Runs a library call, printing an Error the way the CLI prints every error and
// returning its exit code.
int report_error(const Error& e, const GlobalOptions& global);

}  // namespace waybill::cli
