#include "exec/drivers.hpp"

#include <map>

#include "plan/cache_key.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::exec {

namespace {

// Interpreters of languages that run a fresh process per cell, when the manifest does
// not name one.
const std::map<std::string, std::vector<std::string>>& process_defaults() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"node", {"node"}},   {"javascript", {"node"}}, {"js", {"node"}},  {"ruby", {"ruby"}},
      {"perl", {"perl"}},   {"julia", {"julia"}},     {"php", {"php"}},  {"lua", {"lua"}},
      {"tcl", {"tclsh"}},   {"awk", {"awk", "-f", "/dev/stdin"}},        {"zsh", {"zsh", "-s"}},
      {"dash", {"dash", "-s"}}};
  return table;
}

std::vector<std::string> with(std::vector<std::string> command, const std::vector<std::string>& fallback,
                              const std::string& file) {
  if (command.empty()) command = fallback;
  command.push_back(std::string(kDriverDir) + "/" + file);
  return command;
}

}  // namespace

Driver driver_for(const std::string& language, const std::vector<std::string>& command, const std::string& kernel) {
  Driver d;
  if (!kernel.empty()) {
    // The kernelspec is read from the image when the session starts; its content is the
    // image's, which the image digest in every key covers.
    d.kind = DriverKind::Jupyter;
    d.kernel = kernel;
    d.argv = {"jupyter-kernel", kernel};
  } else if (language == "python" || language == "python3") {
    d.kind = DriverKind::Python;
    d.file = "python_driver.py";
    d.source = &python_driver_source();
    d.argv = with(command, {"python3"}, d.file);
  } else if (language == "r") {
    d.kind = DriverKind::R;
    d.file = "r_driver.R";
    d.source = &r_driver_source();
    // sh moves the protocol to fds 3 and 4, so that what cells write to fd 1 (system())
    // or read from fd 0 cannot touch it (see r_driver.R).
    d.argv = {"sh", "-c", "exec 3>&1 4<&0 </dev/null >\"$WAYBILL_R_STDOUT\"; exec \"$@\"", "sh"};
    for (auto& a : with(command, {"Rscript", "--vanilla"}, d.file)) d.argv.push_back(std::move(a));
    // Debian's images have no locale but C.UTF-8; in plain C, R mangles non-ASCII text.
    d.env = {"WAYBILL_R_STDOUT=/tmp/.waybill-r-stdout", "LANG=C.UTF-8"};
  } else if (language == "bash" || language == "sh" || language == "shell") {
    d.kind = DriverKind::Shell;
    d.file = "shell_driver.sh";
    d.source = &shell_driver_source();
    d.argv = with(command, {"bash"}, d.file);
  } else {
    d.kind = DriverKind::Process;
    if (!command.empty()) {
      d.argv = command;
    } else if (auto it = process_defaults().find(language); it != process_defaults().end()) {
      d.argv = it->second;
    } else {
      throw Error(ErrorKind::Document, "waybill has no driver for " + language + " cells", {},
                  "name its interpreter in the manifest; each cell then runs as a fresh process with its code on "
                  "stdin:\n  languages:\n    " + language + ": {command: [" + language + "]}");
    }
  }
  d.digest = plan::sha256_hex((d.source ? *d.source : std::string()) + "\n" + join(d.argv, "\x1f") + "\n" + join(d.env, "\x1f"));
  return d;
}

}  // namespace waybill::exec
