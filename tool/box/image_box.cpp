#include "box/image_box.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>

#include "box/environment.hpp"
#include "box/module_api.hpp"
#include "box/seccomp.hpp"
#include "oci/module_api.hpp"
#include "oci/store.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/module.hpp"

namespace waybill::box {

namespace fs = std::filesystem;

namespace {

// The first run of an image (or after a prune) goes through the modules, which link
// libarchive and libseccomp; every later run reads their cached results.
void prepare(const oci::Store& store, const std::string& image, Reporter& reporter) {
  engine_module::prepare_run(store.home().string(), image, reporter);
}

}  // namespace

Rlimit parse_ulimit(std::string_view text) {
  static const std::pair<const char*, int> kNames[] = {
      {"core", RLIMIT_CORE},     {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},   {"fsize", RLIMIT_FSIZE},
      {"locks", RLIMIT_LOCKS},   {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE},
      {"nice", RLIMIT_NICE},     {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC}, {"rss", RLIMIT_RSS},
      {"rtprio", RLIMIT_RTPRIO}, {"rttime", RLIMIT_RTTIME},   {"sigpending", RLIMIT_SIGPENDING},
      {"stack", RLIMIT_STACK},   {"as", RLIMIT_AS},
  };
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::Usage, "invalid --ulimit `" + std::string(text) + "`: " + why, {},
                 "write NAME=SOFT or NAME=SOFT:HARD, e.g. --ulimit nofile=1024:2048");
  };
  auto eq = text.find('=');
  if (eq == std::string_view::npos) throw bad("no `=`");
  std::string name(text.substr(0, eq));
  Rlimit r;
  bool known = false;
  for (const auto& [n, res] : kNames)
    if (name == n) {
      r.resource = res;
      known = true;
    }
  if (!known) throw bad("unknown limit `" + name + "`");
  std::string values(text.substr(eq + 1));
  auto colon = values.find(':');
  auto number = [&](const std::string& v) {
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || v[0] == '-') throw bad("`" + v + "` is not a number");
    return static_cast<uint64_t>(n);
  };
  r.soft = number(values.substr(0, colon));
  r.hard = colon == std::string::npos ? r.soft : number(values.substr(colon + 1));
  if (r.soft > r.hard) throw bad("the soft limit is above the hard one");
  return r;
}

BindMount parse_volume(std::string_view text, const fs::path& cwd) {
  std::string s(text);
  BindMount m;
  m.read_only = false;
  auto last = s.rfind(':');
  if (last != std::string::npos && (s.substr(last + 1) == "ro" || s.substr(last + 1) == "rw")) {
    m.read_only = s.substr(last + 1) == "ro";
    s.erase(last);
  }
  auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
    throw Error(ErrorKind::Usage, "invalid volume `" + std::string(text) + "`", {}, "write SRC:DST, SRC:DST:ro or SRC:DST:rw");
  fs::path source = s.substr(0, colon);
  m.target = s.substr(colon + 1);
  if (m.target.empty() || m.target[0] != '/')
    throw Error(ErrorKind::Usage, "invalid volume `" + std::string(text) + "`: the target must be an absolute path");
  if (source.is_relative()) source = cwd / source;
  std::error_code ec;
  if (!fs::exists(source, ec))
    throw Error(ErrorKind::Usage, "volume source `" + source.string() + "` does not exist", {}, "create it first");
  m.source = fs::canonical(source, ec);
  return m;
}

BoxSpec box_spec_for(const oci::RunConfig& image, const std::vector<fs::path>& layer_dirs, const RunOptions& o) {
  BoxSpec spec;
  spec.root.lower = layer_dirs;
  // Docker's rule: argv is the entrypoint followed by the command, where a command
  // given on the command line replaces the image's Cmd.
  std::vector<std::string> entry = image.entrypoint;
  if (o.entrypoint) entry = o.entrypoint->empty() ? std::vector<std::string>{} : std::vector<std::string>{*o.entrypoint};
  spec.argv = entry;
  const auto& cmd = !o.command.empty() ? o.command : (o.entrypoint ? std::vector<std::string>{} : image.cmd);
  spec.argv.insert(spec.argv.end(), cmd.begin(), cmd.end());
  spec.env = image.env;
  for (const auto& kv : o.env) {
    if (kv.find('=') != std::string::npos) env_set(spec.env, kv);
    else if (const char* v = std::getenv(kv.c_str())) env_set(spec.env, kv + "=" + v);
  }
  spec.cwd = !o.workdir.empty() ? o.workdir : !image.working_dir.empty() ? image.working_dir : "/";
  if (spec.cwd[0] != '/') throw Error(ErrorKind::Usage, "the working directory `" + spec.cwd + "` is not absolute");
  spec.user = !o.user.empty() ? o.user : image.user;
  spec.network = o.network;
  spec.limits = o.limits;
  spec.timeout = o.timeout;
  spec.stdio.forward_stdin = o.interactive;
  spec.stdio.tty = o.tty;
  fs::path cwd = fs::current_path();
  for (const auto& v : o.volumes) spec.mounts.push_back(parse_volume(v, cwd));
  for (const auto& u : o.ulimits) spec.rlimits.push_back(parse_ulimit(u));
  return spec;
}

std::string seccomp_program(const oci::Store& store) {
  std::string bpf = read_cached_seccomp(store.cache_dir());
  if (!bpf.empty()) return bpf;
  box_module::cache_seccomp(store.cache_dir().string());
  bpf = read_cached_seccomp(store.cache_dir());
  if (bpf.empty()) throw Error(ErrorKind::Internal, "the compiled seccomp profile was not cached");
  return bpf;
}

namespace {

oci::RunConfig prepared_run_config(const oci::Store& store, const oci::IndexEntry& entry, Reporter& reporter) {
  auto config = oci::read_run_config(store, entry.manifest.digest);
  if (!config) {
    prepare(store, entry.manifest.digest.str(), reporter);
    config = oci::read_run_config(store, entry.manifest.digest);
    if (!config) throw Error(ErrorKind::Internal, "the image's run configuration was not cached");
  }
  return *config;
}

std::vector<fs::path> layer_dirs(const oci::Store& store, const oci::RunConfig& config) {
  std::vector<fs::path> layers;
  for (const auto& hex : config.layers) layers.push_back(store.layers_dir() / hex);
  return layers;
}

}  // namespace

std::vector<fs::path> image_layer_dirs(const oci::Store& store, const std::string& image, Reporter& reporter) {
  return layer_dirs(store, prepared_run_config(store, store.require(image), reporter));
}

BoxSpec image_box_spec(const oci::Store& store, const RunOptions& options, Reporter& reporter) {
  oci::IndexEntry entry = store.require(options.image);
  oci::RunConfig config = prepared_run_config(store, entry, reporter);
  BoxSpec spec = box_spec_for(config, layer_dirs(store, config), options);
  if (spec.argv.empty())
    throw Error(ErrorKind::Usage, "no command given and the image has no Entrypoint or Cmd", {},
                "give the command after the image: waybill run IMAGE COMMAND...");
  spec.hostname = options.hostname;
  spec.seccomp_bpf = seccomp_program(store);
  spec.state_dir = store.home() / "boxes";
  make_dirs(spec.state_dir);
  return spec;
}

BoxOutcome run_image(const RunOptions& options, Reporter& reporter) {
  oci::Store store = oci::Store::open();
  // Held while the box runs: prune, which takes it exclusively, never removes the
  // layers under a running box.
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  Box box = Box::start(image_box_spec(store, options, reporter), reporter);
  return box.wait(reporter);
}

}  // namespace waybill::box
