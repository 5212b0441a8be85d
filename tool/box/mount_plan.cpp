#include "box/mount_plan.hpp"

#include <sys/mount.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "util/user_namespace.hpp"

namespace waybill::box {

namespace {

// runc's defaults: kernel interfaces that leak host information or accept writes that
// affect the host are hidden or made read-only inside every box.
constexpr const char* kMaskedPaths[] = {
    "/proc/acpi",        "/proc/asound",       "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",        "/sys/firmware",      "/sys/devices/virtual/powercap",
};
constexpr const char* kReadOnlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

struct DeviceNode {
  const char* name;
  unsigned major, minor;
};
constexpr DeviceNode kDevices[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

MountOp op(MountKind kind, std::string target) {
  MountOp m;
  m.kind = kind;
  m.target = std::move(target);
  return m;
}

size_t depth(const std::string& path) { return static_cast<size_t>(std::count(path.begin(), path.end(), '/')); }

void add_kernel_filesystems(std::vector<MountOp>& ops, const BoxSpec& spec) {
  bool tmpfs_tmp = spec.tmpfs_tmp;
  uint64_t tmp_size = spec.tmp_size;
  MountOp proc = op(MountKind::Proc, "/proc");
  proc.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  proc.no_symlinks = true;  // a rootfs whose /proc is a symlink must not redirect the mount
  ops.push_back(proc);

  MountOp dev = op(MountKind::Tmpfs, "/dev");
  dev.flags = MS_NOSUID | MS_STRICTATIME;
  dev.data = "mode=755,size=65536k";
  dev.no_symlinks = true;
  ops.push_back(dev);
  for (const auto& d : kDevices) {
    MountOp node = op(MountKind::Device, std::string("/dev/") + d.name);
    node.device = makedev(d.major, d.minor);
    node.source = node.target;  // the host's node, if mknod is refused
    ops.push_back(node);
  }
  MountOp pts = op(MountKind::Devpts, "/dev/pts");
  pts.flags = MS_NOSUID | MS_NOEXEC;
  pts.data = "newinstance,ptmxmode=0666,mode=0620";
  // The tty group, where it is mapped (not under a rootless waybill's single mapping).
  if (id_mapped_here(IdKind::Group, 5)) pts.data += ",gid=5";
  ops.push_back(pts);
  MountOp shm = op(MountKind::Tmpfs, "/dev/shm");
  shm.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  shm.data = "mode=1777,size=65536k";
  ops.push_back(shm);
  const std::pair<const char*, const char*> links[] = {
      {"/dev/ptmx", "pts/ptmx"},         {"/dev/fd", "/proc/self/fd"},      {"/dev/stdin", "/proc/self/fd/0"},
      {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"}, {"/dev/core", "/proc/kcore"},
  };
  for (const auto& [target, link] : links) {
    MountOp s = op(MountKind::Symlink, target);
    s.link = link;
    ops.push_back(s);
  }

  MountOp sys = op(MountKind::Sysfs, "/sys");
  sys.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
  sys.no_symlinks = true;
  ops.push_back(sys);

  for (const char* path : kMaskedPaths) {
    MountOp m = op(MountKind::Mask, path);
    m.optional = true;
    m.source = "/dev/null";
    ops.push_back(m);
  }
  for (const char* path : kReadOnlyPaths) {
    MountOp m = op(MountKind::ReadOnly, path);
    m.optional = true;
    ops.push_back(m);
  }

  if (!tmpfs_tmp) return;
  MountOp tmp = op(MountKind::Tmpfs, "/tmp");
  tmp.flags = MS_NOSUID | MS_NODEV;
  tmp.data = "mode=1777";
  if (tmp_size) tmp.data += ",size=" + std::to_string(tmp_size);
  ops.push_back(tmp);
}

}  // namespace

std::vector<GeneratedFile> generated_files(const BoxSpec& spec, const std::string& host_resolv_conf,
                                           const std::string& host_hosts) {
  std::vector<GeneratedFile> files;
  std::string hosts;
  if (spec.network == Network::Host) {
    hosts = host_hosts;
    if (!hosts.empty() && hosts.back() != '\n') hosts += '\n';
  } else {
    hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  }
  if (!spec.hostname.empty()) hosts += "127.0.1.1\t" + spec.hostname + "\n";
  files.push_back({"/etc/hosts", hosts});
  if (!spec.hostname.empty()) files.push_back({"/etc/hostname", spec.hostname + "\n"});
  // With no network there is nothing to resolve against; the image's file stays.
  if (spec.network == Network::Host) files.push_back({"/etc/resolv.conf", host_resolv_conf});
  return files;
}

std::vector<MountOp> plan_mounts(const BoxSpec& spec, const std::vector<GeneratedFile>& bound, const BoxDirs& dirs) {
  std::vector<MountOp> ops;
  add_kernel_filesystems(ops, spec);
  for (const auto& f : bound) {
    MountOp m = op(MountKind::Bind, f.target);
    m.source = dirs.generated(f.target);
    m.target_is_file = true;
    ops.push_back(m);
  }
  for (const auto& l : spec.layer_mounts) {
    if (l.layers.size() == 1) {
      MountOp m = op(MountKind::Bind, l.target);
      m.source = l.layers.front();
      m.read_only = true;
      ops.push_back(m);
      continue;
    }
    MountOp m = op(MountKind::Layers, l.target);
    m.data = read_only_overlay_options(l.layers, in_user_namespace());
    m.flags = MS_RDONLY | MS_NOSUID | MS_NODEV;
    ops.push_back(m);
  }
  // Parents before children, so /data/raw lands on top of /data, as Docker orders them.
  std::vector<BindMount> binds = spec.mounts;
  std::stable_sort(binds.begin(), binds.end(),
                   [](const BindMount& a, const BindMount& b) { return depth(a.target) < depth(b.target); });
  for (const auto& b : binds) {
    MountOp m = op(MountKind::Bind, b.target);
    m.source = b.source;
    m.read_only = b.read_only;
    m.target_is_file = !std::filesystem::is_directory(b.source);
    ops.push_back(m);
  }
  return ops;
}

std::string describe(const MountOp& m) {
  switch (m.kind) {
    case MountKind::Proc: return "proc " + m.target;
    case MountKind::Sysfs: return "sysfs " + m.target + " (ro)";
    case MountKind::Tmpfs: return "tmpfs " + m.target + (m.data.empty() ? "" : " (" + m.data + ")");
    case MountKind::Devpts: return "devpts " + m.target + " (" + m.data + ")";
    case MountKind::Bind: return "bind " + m.source.string() + " -> " + m.target + (m.read_only ? " (ro)" : " (rw)");
    case MountKind::Mask: return "mask " + m.target;
    case MountKind::ReadOnly: return "read-only " + m.target;
    case MountKind::Device: return "device " + m.target;
    case MountKind::Symlink: return "symlink " + m.target + " -> " + m.link;
    case MountKind::Layers: return "layers " + m.target + " (ro, " + m.data + ")";
  }
  return m.target;
}

}  // namespace waybill::box
