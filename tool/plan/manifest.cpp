#include "plan/manifest.hpp"

#include <algorithm>
#include <cctype>

#include "doc/schema_reader.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::plan {

namespace {

using doc::MetaValue;
using doc::SchemaReader;  // doc/schema_reader.hpp

// The kernel a language runs in when `driver: jupyter` asks for none.
std::string default_kernel(const std::string& language) {
  if (language == "python" || language == "python3") return "python3";
  if (language == "r") return "ir";
  if (language == "julia") return "julia";
  return "";
}

// `driver: builtin | jupyter` and `kernel: NAME` (a kernelspec's folder name, as Jupyter
// spells them: letters, digits, `.`, `_` and `-`).
void read_driver(const SchemaReader& r, const MetaValue& settings, const std::string& what, const std::string& language,
                 LanguageSettings& s) {
  const auto* driver = settings.get("driver");
  const auto* kernel = settings.get("kernel");
  std::string kind = driver ? r.text(*driver, what + ".driver") : (kernel ? "jupyter" : "builtin");
  if (kind != "builtin" && kind != "jupyter")
    r.fail(*driver, what + ".driver must be `builtin` or `jupyter`, not `" + kind + "`",
           "write driver: jupyter to run the cells in a Jupyter kernel of the image");
  if (kind == "builtin") {
    if (kernel) r.fail(*kernel, what + ".kernel needs driver: jupyter", "write driver: jupyter, or remove kernel");
    return;
  }
  s.kernel = kernel ? r.text(*kernel, what + ".kernel") : default_kernel(language);
  if (s.kernel.empty())
    r.fail(*driver, what + " has no default Jupyter kernel", "name the image's kernelspec: kernel: NAME (see `jupyter kernelspec list`)");
  bool valid = s.kernel.size() <= 64;
  for (char c : s.kernel) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!valid || s.kernel[0] == '.')
    r.fail(kernel ? *kernel : *driver, "`" + printable(s.kernel, 64) + "` is not a kernelspec name",
           "a kernelspec's name is its folder under share/jupyter/kernels: letters, digits, `.`, `_` and `-`");
  if (!s.command.empty())
    r.fail(*settings.get("command"), what + " has both a command and driver: jupyter",
           "a Jupyter kernel's command is its kernelspec's argv; remove command");
}

void read_languages(const SchemaReader& r, const MetaValue& v, Manifest& m) {
  if (!v.is_map()) r.fail(v, "`languages` must be a mapping of languages", "write languages: {python: {image: NAME}}");
  for (const auto& [name, settings] : v.map) {
    LanguageSettings s;
    s.loc = r.at(settings);
    std::string what = "languages." + name;
    if (settings.is_scalar()) {
      s.image = settings.scalar;  // `python: analysis` is short for {image: analysis}
    } else {
      r.mapping(settings, what, {"image", "command", "driver", "kernel"});
      if (const auto* image = settings.get("image")) s.image = r.text(*image, what + ".image");
      if (const auto* command = settings.get("command")) {
        if (command->is_scalar()) {
          for (auto word : split(command->scalar, ' '))
            if (!word.empty()) s.command.emplace_back(word);
        } else {
          s.command = r.texts(*command, what + ".command");
        }
        if (s.command.empty()) r.fail(*command, what + ".command is empty", "write command: [python3, -u]");
      }
      read_driver(r, settings, what, to_lower(name), s);
    }
    m.languages[to_lower(name)] = std::move(s);
  }
}

MountSetting read_mount(const SchemaReader& r, const MetaValue& v) {
  MountSetting mount;
  mount.loc = r.at(v);
  if (v.is_scalar()) {
    auto parts = split(v.scalar, ':');
    if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "ro" && parts[2] != "rw"))
      r.fail(v, "invalid mount `" + v.scalar + "`", "write SOURCE:TARGET, SOURCE:TARGET:ro or SOURCE:TARGET:rw");
    mount.source = std::string(parts[0]);
    mount.target = std::string(parts[1]);
    mount.writable = parts.size() == 3 && parts[2] == "rw";
  } else {
    r.mapping(v, "a mount", {"source", "image", "target", "writable"});
    const auto* source = v.get("source");
    const auto* image = v.get("image");
    const auto* target = v.get("target");
    if (source && image)
      r.fail(*image, "a mount has either a source or an image, not both",
             "write {source: data, target: /data} for a host folder, {image: NAME, target: /data} for a data image");
    if ((!source && !image) || !target)
      r.fail(v, "a mount needs a source (or an image) and a target",
             "write {source: data, target: /data} or {image: NAME, target: /data}");
    if (source) mount.source = r.text(*source, "source");
    if (image) {
      mount.image = r.text(*image, "image");
      if (mount.image.empty()) r.fail(*image, "a mount's image is empty", "name a data image: {image: NAME, target: /data}");
    }
    mount.target = r.text(*target, "target");
    if (const auto* w = v.get("writable")) {
      auto b = w->as_bool();
      if (!b) r.fail(*w, "writable must be true or false", "write writable: true");
      if (*b && image)
        r.fail(*w, "a data image is mounted read-only",
               "copy what the cells must change into their working directory, or mount a host folder instead");
      mount.writable = *b;
    }
  }
  if (mount.source.empty() && mount.image.empty()) r.fail(v, "a mount needs a source", "write SOURCE:TARGET");
  if (mount.target.empty() || mount.target[0] != '/') r.fail(v, "a mount's target must be an absolute path", "write data:/data");
  return mount;
}

void read_limits(const SchemaReader& r, const MetaValue& v, LimitSettings& l) {
  r.mapping(v, "limits",
            {"memory", "cpus", "pids", "timeout", "document-timeout", "output", "cell-output", "document-output"});
  for (const auto& [key, value] : v.map) l.where[key] = r.at(value);
  if (const auto* memory = v.get("memory")) {
    l.memory_bytes = parse_byte_size(r.text(*memory, "limits.memory"));
    if (!l.memory_bytes || *l.memory_bytes < (4u << 20)) r.fail(*memory, "invalid limits.memory `" + memory->scalar + "`", "give at least 4m, e.g. memory: 1g");
  }
  if (const auto* cpus = v.get("cpus")) {
    l.cpus = cpus->as_number();
    if (!l.cpus || !(*l.cpus > 0 && *l.cpus <= 4096))
      r.fail(*cpus, "limits.cpus must be a positive number up to 4096", "write cpus: 1.5");
  }
  if (const auto* pids = v.get("pids")) {
    auto n = pids->as_number();
    // The kernel counts at most 2^22 processes.
    if (!n || !(*n >= 1 && *n <= 4194304) || *n != static_cast<double>(static_cast<uint64_t>(*n)))
      r.fail(*pids, "limits.pids must be a whole number from 1 to 4194304", "write pids: 256");
    l.pids = static_cast<uint64_t>(*n);
  }
  auto duration = [&](const char* key, std::optional<std::chrono::milliseconds>& out) {
    if (const auto* d = v.get(key)) {
      out = parse_duration(r.text(*d, std::string("limits.") + key));
      if (!out || out->count() <= 0) r.fail(*d, std::string("invalid limits.") + key + " `" + d->scalar + "`", "e.g. 30s, 2m or 1h");
    }
  };
  duration("timeout", l.cell_timeout);
  duration("document-timeout", l.document_timeout);
  auto size = [&](const char* key, std::optional<uint64_t>& out) {
    if (const auto* s = v.get(key)) {
      out = parse_byte_size(r.text(*s, std::string("limits.") + key));
      if (!out || *out == 0) r.fail(*s, std::string("invalid limits.") + key + " `" + s->scalar + "`", "e.g. 8m or 1g");
    }
  };
  size("output", l.output_bytes);
  size("cell-output", l.cell_output_bytes);
  size("document-output", l.document_output_bytes);
}

BaseSource read_base(const SchemaReader& r, const std::string& reference, const MetaValue& v) {
  BaseSource base;
  base.reference = reference;
  base.loc = r.at(v);
  std::string what = "bases." + reference;
  r.mapping(v, what, {"bootstrap", "archive"});
  const auto* bootstrap = v.get("bootstrap");
  const auto* archive = v.get("archive");
  if (!bootstrap == !archive) r.fail(v, what + " needs exactly one of bootstrap or archive", "write bootstrap: {suite: bookworm} or archive: FILE.tar");
  if (archive) base.archive = r.text(*archive, what + ".archive");
  if (bootstrap) {
    BootstrapRecipe recipe;
    if (!bootstrap->is_null()) {
      r.mapping(*bootstrap, what + ".bootstrap", {"suite", "mirror", "include", "packages", "variant"});
      if (const auto* s = bootstrap->get("suite")) recipe.suite = r.text(*s, "suite");
      if (const auto* s = bootstrap->get("mirror")) recipe.mirror = r.text_or_empty(*s, "mirror");
      if (const auto* s = bootstrap->get("variant")) recipe.variant = r.text(*s, "variant");
      for (const char* key : {"include", "packages"})
        if (const auto* s = bootstrap->get(key))
          for (auto& p : r.texts(*s, key)) recipe.include.push_back(p);
    }
    base.bootstrap = recipe;
  }
  return base;
}

}  // namespace

const BaseSource* Manifest::base_for(const std::string& reference) const {
  for (const auto& b : bases)
    if (b.reference == reference) return &b;
  return nullptr;
}

Manifest read_manifest(const MetaValue& value, const std::string& file) {
  SchemaReader r(file, "manifest: ");
  Manifest m;
  m.loc = r.at(value);
  r.mapping(value, "the manifest", {"languages", "inputs", "mounts", "env", "network", "limits", "bases"});
  if (const auto* v = value.get("languages")) read_languages(r, *v, m);
  if (const auto* v = value.get("inputs")) m.inputs = r.texts(*v, "inputs");
  if (const auto* v = value.get("mounts")) {
    if (!v->is_list()) r.fail(*v, "`mounts` must be a list", "write mounts: [data:/data]");
    for (const auto& item : v->list) m.mounts.push_back(read_mount(r, item));
  }
  if (const auto* v = value.get("env")) {
    if (v->is_map()) {
      for (const auto& [k, val] : v->map) m.env.emplace_back(k, r.text_or_empty(val, "env." + k));
    } else {
      for (const auto& kv : r.texts(*v, "env")) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) r.fail(*v, "env entry `" + kv + "` is not NAME=value", "write env: {NAME: value}");
        m.env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
    }
  }
  if (const auto* v = value.get("network")) {
    std::string n = r.text(*v, "network");
    if (n != "none" && n != "host") r.fail(*v, "network must be none or host, not `" + n + "`", "cells have no network unless you write network: host");
    m.network = n == "host" ? NetworkSetting::Host : NetworkSetting::None;
    m.network_loc = r.at(*v);
  }
  if (const auto* v = value.get("limits")) read_limits(r, *v, m.limits);
  if (const auto* v = value.get("bases")) {
    if (!v->is_map()) r.fail(*v, "`bases` must be a mapping of image names", "write bases: {debian:bookworm: {bootstrap: {suite: bookworm}}}");
    for (const auto& [name, base] : v->map) m.bases.push_back(read_base(r, name, base));
  }
  return m;
}

}  // namespace waybill::plan
