#pragma once
// BoxSpec: the runtime's whole input, shaped like an OCI runtime config (root, mounts,
// process, hostname, linux.namespaces and resources). The runtime knows nothing of
// images, documents or Dockerfiles; callers build a BoxSpec (box/image_box.hpp does it
// for `waybill run`) and box/box.hpp runs it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace waybill::box {

struct BindMount {
  std::filesystem::path source;  // on the host; must exist
  std::string target;            // absolute, resolved inside the box's root
  bool read_only = true;
};

// An image's unpacked layers (lowest first) stacked read-only at `target`: a data image.
// One layer is bind-mounted; more are joined by an overlay with no upper layer.
struct LayerMount {
  std::vector<std::filesystem::path> layers;
  std::string target;
};

enum class Network {
  None,  // a new network namespace with only `lo` (the default)
  Host,  // the host's network, for builds that download packages
};

struct Limits {
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> pids;
  std::optional<double> cpus;  // 1.5 = one and a half CPUs' worth of time
  bool any() const { return memory_bytes || pids || cpus; }
};

// An rlimit for the workload. It may only lower the current limits.
struct Rlimit {
  int resource = 0;  // RLIMIT_*
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct RootFs {
  std::vector<std::filesystem::path> lower;  // unpacked layers, lowest first
  // A writable upper layer (and its overlay work dir, on the same file system) that
  // the caller keeps, as the builder does for a RUN step. Empty: a throwaway upper.
  std::filesystem::path upper, work;
};

struct Stdio {
  bool forward_stdin = false;  // -i: the workload reads our stdin; otherwise /dev/null
  bool tty = false;            // -t: the workload gets a pty from the box's own devpts
  // Fds (in the caller) to give the workload as stdin, stdout and stderr instead of
  // the caller's own 0, 1 and 2; -1 keeps the default. Ignored with `tty`.
  int in = -1, out = -1, err = -1;
  // `in` and `out` carry frames (a length line, then the bytes), requests down and
  // replies up. PID 1 holds them and relays through pipes of its own, one reply per
  // request, none over `max_frame` bytes (box/frame_relay.hpp).
  bool framed = false;
  uint64_t max_frame = 0;
};

struct BoxSpec {
  RootFs root;
  std::vector<BindMount> mounts;
  std::vector<LayerMount> layer_mounts;  // mounted before `mounts`, so a bind may sit inside

  std::vector<std::string> argv;  // argv[0] without a '/' is looked up in env's PATH
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd = "/";          // created if missing, and must lie inside the root
  // "", "name", "uid", "name:group" or "uid:gid", looked up in the box's /etc/passwd
  // and /etc/group. Empty means root.
  std::string user;
  std::string hostname;

  Network network = Network::None;
  // With Network::None: hand the box's network namespace to the caller (Box::network),
  // which joins it only to open sockets to what the box listens on (a Jupyter kernel).
  bool share_network = false;
  // A fresh tmpfs on /tmp. Builds turn it off: what a RUN step leaves in /tmp belongs
  // to its layer, as in Docker.
  bool tmpfs_tmp = true;
  // Its size in bytes; 0 is the kernel's default, half the machine's memory. What a box
  // writes there is memory: a session caps it at its memory limit.
  uint64_t tmp_size = 0;
  Limits limits;
  std::vector<Rlimit> rlimits;
  std::chrono::milliseconds timeout{0};  // 0: none; otherwise the whole box is killed
  Stdio stdio;

  // The compiled seccomp filter (struct sock_filter[]); box/seccomp_profile.hpp makes it.
  std::string seccomp_bpf;

  // Where per-box state lives: the shared mount point over which each box puts its own
  // tmpfs (see box/rootfs.hpp), the copy fallback's root, and the boxes' leases.
  std::filesystem::path state_dir;

};

// How a box ended, in Docker's terms.
struct ExitStatus {
  int code = 0;       // the workload's exit code, 128+signal, or 124/125/126/127 below
  int signal = 0;     // the signal that ended the workload, if one did
  bool timed_out = false;
  bool out_of_memory = false;  // the memory limit was hit and the kernel killed a process
  std::chrono::nanoseconds duration{0};
};

// Exit codes that are the runtime's, not the workload's (Docker's, plus timeout's 124).
inline constexpr int kExitTimeout = 124;
inline constexpr int kExitStartFailed = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

}  // namespace waybill::box
