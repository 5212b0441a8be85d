#include "exec/kernelspec.hpp"

#include <nlohmann/json.hpp>

#include "exec/reply_decoder.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::exec {

namespace {

constexpr size_t kMaxArgs = 256;

std::string substituted(std::string arg, const std::string& connection_file, const std::string& resource_dir) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{connection_file}", connection_file},
                            {"{resource_dir}", resource_dir}})
    for (size_t at = 0; (at = arg.find(key, at)) != std::string::npos; at += value.size()) arg.replace(at, key.size(), value);
  return arg;
}

[[noreturn]] void bad(const std::string& name, const std::string& why) {
  throw Error(ErrorKind::Document, "the image's Jupyter kernelspec `" + name + "` " + why, {},
              "a kernelspec's kernel.json has an argv list of strings, and an env mapping of strings");
}

}  // namespace

const char* kernelspec_lookup_script() {
  // Jupyter's data path: JUPYTER_PATH, the user's, then the system's. Conda and pip
  // installs put theirs under their prefix, which /opt/conda and /usr/local cover.
  return "IFS=:; for d in ${JUPYTER_PATH:-} \"${HOME:-/root}/.local/share/jupyter\" /opt/conda/share/jupyter "
         "/usr/local/share/jupyter /usr/share/jupyter; do "
         "f=\"$d/kernels/$1/kernel.json\"; "
         "if [ -n \"$d\" ] && [ -f \"$f\" ]; then printf '%s\\n' \"$d/kernels/$1\"; exec head -c 65536 \"$f\"; fi; "
         "done; exit 3";
}

Kernelspec parse_kernelspec(const std::string& name, const std::string& lookup_output, const std::string& connection_file) {
  Kernelspec k;
  k.name = name;
  auto nl = lookup_output.find('\n');
  if (nl == std::string::npos || nl == 0 || lookup_output[0] != '/') bad(name, "could not be read");
  k.resource_dir = lookup_output.substr(0, nl);
  nlohmann::json spec;
  try {
    spec = parse_untrusted_object(lookup_output.substr(nl + 1), "is");
  } catch (const ProtocolViolation& v) {
    bad(name, v.why);
  }
  auto argv = spec.find("argv");
  if (argv == spec.end() || !argv->is_array() || argv->empty() || argv->size() > kMaxArgs) bad(name, "has no argv list");
  bool has_connection_file = false;
  for (const auto& a : *argv) {
    if (!a.is_string()) bad(name, "has an argv entry that is not a string");
    std::string arg = a.get<std::string>();
    if (arg.find('\0') != std::string::npos) bad(name, "has an argv entry with a NUL byte");
    has_connection_file = has_connection_file || arg.find("{connection_file}") != std::string::npos;
    k.argv.push_back(substituted(arg, connection_file, k.resource_dir));
  }
  if (!has_connection_file) bad(name, "has no {connection_file} in its argv");
  if (auto env = spec.find("env"); env != spec.end()) {
    if (!env->is_object()) bad(name, "has an env that is not a mapping");
    for (const auto& [key, value] : env->items()) {
      if (!value.is_string() || key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos)
        bad(name, "has an env entry that is not NAME: text");
      k.env.push_back(key + "=" + value.get<std::string>());
    }
  }
  if (auto mode = spec.find("interrupt_mode"); mode != spec.end() && mode->is_string())
    k.interrupt_by_message = *mode == "message";
  if (auto language = spec.find("language"); language != spec.end() && language->is_string())
    k.language = printable(language->get<std::string>(), 40);
  return k;
}

}  // namespace waybill::exec
