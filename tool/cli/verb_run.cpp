// waybill run IMAGE [CMD...]: one command in a box made from an image.
#include <csignal>
#include <cstdio>
#include <cstring>

#include "box/image_box.hpp"
#include "cli/verbs.hpp"
#include "util/units.hpp"

namespace waybill::cli {

namespace {

struct RunFlags {
  box::RunOptions options;
  std::string image;
  std::vector<std::string> command;
  std::string network = "none", memory, timeout;
  std::optional<uint64_t> pids;
  std::optional<double> cpus;
  std::optional<std::string> entrypoint;
  bool rm = false;
};

void finish(RunFlags& f) {
  auto& o = f.options;
  o.image = f.image;
  o.command = f.command;
  o.network = f.network == "host" ? box::Network::Host : box::Network::None;
  if (!f.memory.empty()) {
    auto bytes = parse_byte_size(f.memory);
    if (!bytes || *bytes < (4u << 20))
      throw Error(ErrorKind::Usage, "invalid --memory `" + f.memory + "`", {}, "give at least 4m, e.g. --memory 512m");
    o.limits.memory_bytes = bytes;
  }
  if (f.pids) o.limits.pids = f.pids;
  if (f.cpus) o.limits.cpus = f.cpus;
  if (!f.timeout.empty()) {
    auto d = parse_duration(f.timeout);
    if (!d || d->count() <= 0) throw Error(ErrorKind::Usage, "invalid --timeout `" + f.timeout + "`", {}, "e.g. --timeout 30s, 500ms or 5m");
    o.timeout = *d;
  }
  o.entrypoint = f.entrypoint;
}

std::string describe_limit(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

int run(RunFlags& f, const GlobalOptions& global) {
  ConsoleReporter console(global.quiet, !global.no_color && stderr_has_color());
  box::BoxOutcome outcome;
  try {
    finish(f);
    outcome = box::run_image(f.options, console);
  } catch (const Error& e) {
    report_error(e, global);
    return e.kind() == ErrorKind::Usage && f.options.image.empty() ? 2 : box::kExitStartFailed;
  }
  const box::ExitStatus& st = outcome.status;
  if (outcome.start_error) {
    report_error(Error(ErrorKind::Environment, outcome.start_error->message, {}, outcome.start_error->hint), global);
  } else if (st.timed_out) {
    report_error(Error(ErrorKind::Cell, "the box ran longer than --timeout " + f.timeout + " and was killed", {},
                       "raise --timeout, or find what keeps the command from finishing"),
                 global);
  } else if (st.out_of_memory && st.signal == SIGKILL) {
    report_error(Error(ErrorKind::Cell, "the box ran out of memory (--memory " +
                                            describe_limit(*f.options.limits.memory_bytes) +
                                            ") and the kernel killed its process",
                       {}, "raise --memory, or make the command use less"),
                 global);
  }
  return st.code;
}

}  // namespace

VerbRunner add_run(CLI::App& sub, GlobalOptions& global) {
  auto f = std::make_shared<RunFlags>();
  auto& o = f->options;
  sub.description(
      "Run a command in a box made from an image: new mount, pid, ipc, uts and network namespaces, an overlay "
      "root, Docker's default capabilities and seccomp profile. The exit status is the command's, 128+N when "
      "signal N ended it, 124 on --timeout, 125 when the box could not start, 126 when the command cannot be "
      "executed and 127 when it is not found.");
  sub.prefix_command();  // everything after IMAGE belongs to the command, flags included
  sub.fallthrough(false);
  sub.add_flag("-q,--quiet", global.quiet, "Print no progress, only warnings and errors");
  sub.add_flag("--rm", f->rm, "Accepted for Docker compatibility: boxes are always removed when they end");
  sub.add_option("-e,--env", o.env, "Set an environment variable (K=V), or pass ours (K)")->take_all()->allow_extra_args(false);
  sub.add_option("-v,--volume", o.volumes, "Bind-mount SRC:DST[:ro|:rw] (read-write unless :ro)")->allow_extra_args(false);
  sub.add_option("-w,--workdir", o.workdir, "Working directory inside the box (created if missing)");
  sub.add_option("-u,--user", o.user, "User: name, uid, name:group or uid:gid, from the image's /etc/passwd");
  sub.add_option("--entrypoint", f->entrypoint, "Replace the image's Entrypoint (\"\" clears it)");
  sub.add_option("--hostname", o.hostname, "Hostname inside the box (default: the box's id)");
  sub.add_option("--network", f->network, "none (only loopback, the default) or host")
      ->check(CLI::IsMember({"none", "host"}));
  sub.add_option("--memory", f->memory, "Memory limit, e.g. 512m or 2g (swap is not added)");
  sub.add_option("--pids", f->pids, "Limit on the number of processes")->check(CLI::Range(1, 4194304));
  sub.add_option("--cpus", f->cpus, "CPU time limit in CPUs, e.g. 1.5")->check(CLI::Range(0.01, 1024.0));
  sub.add_option("--ulimit", o.ulimits, "Lower an rlimit: NAME=SOFT[:HARD], e.g. nofile=1024")->allow_extra_args(false);
  sub.add_option("--timeout", f->timeout, "Kill the whole box after this long, e.g. 30s, 5m");
  sub.add_flag("-i,--interactive", o.interactive, "Pass stdin to the command (otherwise it reads /dev/null)");
  sub.add_flag("-t,--tty", o.tty, "Give the command a terminal (a pty) that follows our window size");
  sub.add_option("image", f->image, "The image (a name, an ID or a digest), then the command and its arguments "
                                    "(default: the image's Entrypoint and Cmd)")->required();
  sub.footer("Examples:\n  waybill run debian:bookworm cat /etc/os-release\n"
             "  waybill run --memory 256m --timeout 30s -v $PWD:/work:ro -w /work debian:bookworm ls\n"
             "  waybill run -it debian:bookworm bash");
  CLI::App* app = &sub;
  return [f, app, &global]() {
    // prefix_command leaves everything after IMAGE unparsed, in order: the command.
    for (auto& arg : app->remaining()) f->command.push_back(arg);
    return run(*f, global);
  };
}

}  // namespace waybill::cli
