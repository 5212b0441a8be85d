// waybill: executable, reproducible documents. This file holds the global flags and the
// verb table; each verb lives in its own file and makes one library call.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <iterator>
#include <optional>

#include "box/spec.hpp"
#include "cli/verbs.hpp"
#include "util/build_info.hpp"
#include "util/outside_runner.hpp"
#include "util/user_namespace.hpp"

namespace waybill::cli {

namespace {

// The verbs that touch the store's unpacked layers or start boxes: an ordinary user's
// waybill runs them in its user namespace (util/user_namespace.hpp).
constexpr std::string_view kRootlessVerbs[] = {"render", "preview", "image", "run", "build", "site", "check"};

const Verb kVerbs[] = {
    {"render", "Render documents to HTML, LaTeX or PDF", add_render},
    {"preview", "Render a document, serve it on 127.0.0.1 and render it again on every save (the page reloads)",
     add_preview},
    {"image", "Manage the image store: pull, push, import, bootstrap, load, save, ls, inspect, tag, rm, fsck, prune",
     add_image},
    {"run", "Run a command in a box made from an image (namespaces, overlay root, limits)", add_run},
    {"build", "Build an image from a Dockerfile, with a content-keyed cache and reproducible digests", add_build},
    {"site", "Publish a folder of documents as one static site: navigation, search, provenance; --serve", add_site},
    {"check", "Re-run documents and fail (exit 4) when results drift from their lock files: for CI", add_check},
    {"verify", "Check a provenance record's signature, and that the outputs it lists are unchanged", add_verify},
    {"key", "Create Ed25519 signing keys for provenance records (key generate)", add_key},
    {"login", "Save credentials for a registry, after checking them", add_login},
    {"logout", "Remove a registry's saved credentials", add_logout},
};

// Enters the user namespace for a verb that needs it; returns the exit code when it
// could not (`run` keeps 125 for "the box could not start", as Docker does).
std::optional<int> enter_user_namespace_for(std::string_view verb, const GlobalOptions& global) {
  if (std::find(std::begin(kRootlessVerbs), std::end(kRootlessVerbs), verb) == std::end(kRootlessVerbs)) return {};
  try {
    ConsoleReporter console(global.quiet, !global.no_color && stderr_has_color());
    enter_user_namespace(console);
  } catch (const Error& e) {
    int code = report_error(e, global);
    return verb == "run" ? box::kExitStartFailed : code;
  }
  return {};
}

}  // namespace

int report_error(const Error& e, const GlobalOptions& global) {
  std::string text = format_diagnostic(to_diagnostic(e), !global.no_color && stderr_has_color());
  std::fprintf(stderr, "%s\n", text.c_str());
  return exit_code_for(e.kind());
}

}  // namespace waybill::cli

#if defined(__SANITIZE_ADDRESS__)
// GCC 12's LeakSanitizer misreads glibc 2.36's dynamic TLS vector and crashes at exit
// once a dlopen()ed library's thread-locals were reached through __tls_get_addr (as
// libcrypto's error state is when the document module signs a record). Not scanning
// TLS avoids the crash; it can only add reports, never hide a leak from the heap. The
// one it then adds, glibc's own dynamic TLS vector, is among LSan's standard
// suppressions; their summary would only clutter the stderr the CLI tests compare.
extern "C" const char* __lsan_default_options() { return "use_tls=0:print_suppressions=0"; }
#endif

int main(int argc, char** argv) {
  using namespace waybill::cli;
  CLI::App app{"waybill: executable, reproducible documents with their environments inside.\n"
               "Renders Markdown and R Markdown to HTML, LaTeX and PDF.",
               "waybill"};
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "Show help for every verb");
  GlobalOptions global;
  bool version = false;
  app.add_flag("--version", version, "Print the version and the versions of the libraries waybill links");
  app.add_flag("-q,--quiet", global.quiet, "Print no progress, only warnings and errors")->configurable(false);
  app.add_flag("--no-color", global.no_color, "Never colour messages");
  app.footer("Run `waybill VERB --help` for a verb's options. Exit codes: 0 ok, 1 a document or cell failed, "
             "2 usage, 3 environment (missing tool, privileges), 4 `check` found drift.");

  // Only the verb being run gets its flags built: building them all costs a fifth of a
  // millisecond that `waybill run` cannot spare. Without a known verb, all are built so
  // that help lists them and a misspelt verb gets CLI11's message.
  std::string_view chosen;
  for (int i = 1; i < argc && chosen.empty(); ++i)
    if (argv[i][0] != '-') chosen = argv[i];
  bool known = std::any_of(std::begin(kVerbs), std::end(kVerbs), [&](const Verb& v) { return chosen == v.name; });
  std::vector<std::pair<CLI::App*, VerbRunner>> runners;
  for (const Verb& v : kVerbs) {
    if (known && chosen != v.name) continue;
    CLI::App* sub = app.add_subcommand(v.name, v.summary);
    sub->fallthrough();  // global flags (-q, --no-color) may follow the verb
    runners.emplace_back(sub, v.add(*sub, global));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (version) return print_version();
  for (auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    auto given = [&](const char* name) {
      const CLI::Option* o = sub->get_option_no_throw(name);
      return o && o->count() > 0;
    };
    if (given("--on") || given("--attach")) {
      // Slurm's commands must run outside the user namespace (util/outside_runner.hpp).
      try {
        waybill::start_outside_runner();
      } catch (const waybill::Error& e) {
        return waybill::cli::report_error(e, global);
      }
    }
    if (auto failed = enter_user_namespace_for(sub->get_name(), global)) return *failed;
    return run();
  }
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
