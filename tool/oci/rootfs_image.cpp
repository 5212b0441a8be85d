// One-layer images from a root filesystem: `image import` and `image bootstrap`.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "oci/layer_unpack.hpp"
#include "util/error.hpp"
#include "util/user_namespace.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

std::string rfc3339(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_architecture() {
  struct utsname u {};
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  if (m.starts_with("armv7")) return "arm";
  if (m == "i686" || m == "i386") return "386";
  return m;
}

ImageConfig new_image_config(const std::string& created) {
  ImageConfig c;
  c.json["architecture"] = host_architecture();
  c.json["os"] = "linux";
  c.json["created"] = created;
  c.runtime()["Env"] = nlohmann::json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  c.set_diff_ids({});
  c.json["history"] = nlohmann::json::array();
  return c;
}

Descriptor store_image(const Store& store, const ImageConfig& config, const std::vector<Descriptor>& layers) {
  std::string config_json = to_json(config);
  Manifest m;
  m.media_type = media::kOciManifest;
  m.config = Descriptor{media::kOciConfig, store.put_blob(config_json), static_cast<int64_t>(config_json.size()), {}, {}, {}};
  m.layers = layers;
  std::string manifest_json = to_json(m);
  Descriptor d;
  d.media_type = media::kOciManifest;
  d.digest = store.put_blob(manifest_json);
  d.size = static_cast<int64_t>(manifest_json.size());
  return d;
}

namespace {

// A directory in the store's tmp/, removed when done with.
class TmpTree {
 public:
  explicit TmpTree(const Store& store, const char* prefix) {
    std::string tmpl = (store.tmp_dir() / (std::string(prefix) + "XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw Error::from_errno("create a directory in", store.tmp_dir().string(), errno);
    path_ = tmpl;
    ::chmod(path_.c_str(), 0755);
  }
  ~TmpTree() { remove_tree(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

CreatedImage import_rootfs(const Store& store, const fs::path& tarball, const ImageRef& name, RootfsImageOptions options,
                           Reporter& reporter,
                           const std::function<void(const fs::path&, RootfsImageOptions&)>& inspect) {
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  if (::geteuid() != 0) {
    reporter.warn("not running as root: file owners and device nodes of the root filesystem are not kept", {},
                  "run `waybill image import` as root for a faithful image");
  }
  // A directory is packed as it is; a tarball is unpacked first, so that the layer is
  // written in waybill's deterministic order whatever order the tarball had.
  std::optional<TmpTree> tree;
  fs::path root = tarball;
  if (!fs::is_directory(tarball)) {
    tree.emplace(store, "import-");
    root = tree->path();
    reporter.status("unpacking " + tarball.string());
    ExtractStats stats = extract_tar_file(tarball, root, tarball.string(), nullptr, &reporter);
    report_extract_notes(stats, tarball.string(), reporter);
  }
  if (inspect) inspect(root, options);

  reporter.status(std::string("packing the layer (") + compression_name(options.compression) + ")");
  PackOptions pack;
  pack.compression = options.compression;
  pack.source_date_epoch = options.source_date_epoch;
  PackedLayer layer = pack_layer(store, root, pack, &reporter);

  ImageConfig config = new_image_config(rfc3339(options.source_date_epoch.value_or(now_seconds())));
  config.set_diff_ids({layer.diff_id});
  if (!options.cmd.empty()) config.runtime()["Cmd"] = options.cmd;
  for (const auto& [k, v] : options.labels) config.set_label(k, v);
  config.json["history"].push_back({{"created", config.created()}, {"created_by", options.created_by}});
  Descriptor manifest = store_image(store, config, {layer.descriptor});
  store.set_name(name, manifest);
  return CreatedImage{manifest, {name}, layer.diff_id};
}

std::vector<std::string> installed_packages(const fs::path& root) {
  std::vector<std::string> out;
  auto status = read_file_if_exists(root / "var" / "lib" / "dpkg" / "status");
  if (!status) return out;
  std::string package, version;
  bool installed = false;
  auto flush = [&] {
    if (installed && !package.empty()) out.push_back(package + "=" + version);
    package.clear();
    version.clear();
    installed = false;
  };
  for (auto line : split_lines(*status)) {
    if (line.empty()) flush();
    else if (line.starts_with("Package: ")) package = std::string(trim(line.substr(9)));
    else if (line.starts_with("Version: ")) version = std::string(trim(line.substr(9)));
    else if (line.starts_with("Status: ")) installed = line.ends_with(" installed");
  }
  flush();
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

fs::path host_sources() {
  for (const char* p : {"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"})
    if (fs::exists(p)) return p;
  return {};
}

// The archive URIs of an apt sources file, deb822 or one-line style.
std::vector<std::string> source_uris(const fs::path& file) {
  std::vector<std::string> out;
  auto text = read_file_if_exists(file);
  if (!text) return out;
  for (auto line : split_lines(*text)) {
    line = trim(line);
    if (line.starts_with("URIs:")) {
      for (auto u : split(trim(line.substr(5)), ' '))
        if (!u.empty()) out.emplace_back(u);
    } else if (line.starts_with("deb ")) {
      for (auto u : split(line, ' '))
        if (u.find("://") != std::string_view::npos) {
          out.emplace_back(u);
          break;
        }
    }
  }
  return out;
}

}  // namespace

CreatedImage bootstrap_image(const Store& store, const BootstrapRequest& request, Reporter& reporter) {
  const BootstrapRecipe& req = request.recipe;
  if (!program_exists("mmdebstrap")) {
    throw Error(ErrorKind::Environment, "`image bootstrap` needs mmdebstrap, which is not installed", {},
                "install it: apt-get install mmdebstrap");
  }
  TmpTree work(store, "bootstrap-");
  fs::path tarball = work.path() / "rootfs.tar";
  std::vector<std::string> argv = {"mmdebstrap", "--variant=" + req.variant, "--format=tar", "--quiet"};
  // A rootless waybill is root in its user namespace, so mmdebstrap takes its root mode
  // (its tarball is bit for bit the one of a real root's); a pid namespace of its own
  // lets it mount /proc in the chroot for the packages' scripts.
  if (in_user_namespace()) argv.insert(argv.begin(), {"unshare", "--pid", "--fork", "--kill-child"});
  if (!req.include.empty()) argv.push_back("--include=" + join(req.include, ","));
  argv.push_back(req.suite);
  argv.push_back(tarball.string());
  ProcessOptions opts;
  std::vector<std::string> mirrors;
  if (!req.mirror.empty()) {
    argv.push_back(req.mirror);
    mirrors.push_back(req.mirror);
  } else if (fs::path sources = host_sources(); !sources.empty()) {
    opts.stdin_path = sources;  // mmdebstrap reads apt sources from stdin
    mirrors = source_uris(sources);
  }
  if (request.source_date_epoch) opts.extra_env.push_back("SOURCE_DATE_EPOCH=" + std::to_string(*request.source_date_epoch));
  reporter.status("bootstrapping " + req.suite + " with mmdebstrap (" + (mirrors.empty() ? std::string("default mirror") : join(mirrors, " ")) + ")");
  ProcessResult r = run_process(argv, opts);
  if (!r.ok()) {
    auto lines = split_lines(r.output);
    std::vector<std::string> tail;
    for (size_t i = lines.size() > 15 ? lines.size() - 15 : 0; i < lines.size(); ++i) tail.emplace_back(lines[i]);
    throw Error(ErrorKind::Environment, "mmdebstrap failed (exit " + std::to_string(r.exit_code) + "):\n" + join(tail, "\n"), {},
                "check the suite name and that the mirror is reachable");
  }
  ProcessResult version = run_process({"mmdebstrap", "--version"});

  RootfsImageOptions options;
  options.compression = request.compression;
  options.source_date_epoch = request.source_date_epoch;
  options.cmd = {"bash"};
  options.created_by = "waybill image bootstrap --suite " + req.suite + " --variant " + req.variant +
                       (req.include.empty() ? "" : " --include " + join(req.include, ","));
  options.labels["org.waybill.bootstrap.suite"] = req.suite;
  options.labels["org.waybill.bootstrap.variant"] = req.variant;
  options.labels["org.waybill.bootstrap.mirror"] = join(mirrors, " ");
  options.labels["org.waybill.bootstrap.include"] = join(req.include, ",");
  options.labels["org.waybill.bootstrap.tool"] = std::string(trim(version.output));
  if (request.source_date_epoch) options.labels["org.waybill.bootstrap.source-date-epoch"] = std::to_string(*request.source_date_epoch);
  return import_rootfs(store, tarball, request.name, options, reporter, [](const fs::path& tree, RootfsImageOptions& o) {
    o.labels["org.waybill.bootstrap.packages"] = join(installed_packages(tree), " ");
  });
}

}  // namespace waybill::oci
