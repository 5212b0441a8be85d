// RUN: the command in a box on the image so far, with a kept upper layer that becomes
// the step's layer.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <functional>

#include "box/box.hpp"
#include "box/lease.hpp"
#include "box/environment.hpp"
#include "box/image_box.hpp"
#include "plan/trust.hpp"
#include "build/build_state.hpp"
#include "oci/sha256.hpp"
#include "util/error.hpp"
#include "util/units.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace fs = std::filesystem;

namespace {

constexpr size_t kFailureLines = 20;

// The command line: the exec form as written; the shell form through the stage's SHELL.
// A heredoc that is the whole command is the script; others go to the shell with the
// command, which feeds them to it as here-documents do.
std::vector<std::string> command_of(const Instruction& in, const ImageState& state) {
  if (in.node.json) return in.args();
  std::string script = in.args().empty() ? "" : in.args()[0];
  const auto& docs = in.node.heredocs;
  if (!docs.empty()) {
    std::string trimmed(trim(script));
    if (docs.size() == 1 && trimmed.rfind("<<", 0) == 0 && split(trimmed, ' ').size() == 1) {
      script = docs[0].content;
    } else {
      for (const auto& d : docs) script += "\n" + d.content + d.name;
    }
  }
  std::vector<std::string> argv = state.shell;
  argv.push_back(script);
  return argv;
}

// --mount=type=cache,target=/root/.cache[,id=NAME]: a directory kept between builds,
// outside the image and its cache key.
box::BindMount cache_mount(BuildRun& run, const Instruction& in, const std::string& spec) {
  std::string type = "bind", target, id;
  for (auto field : split(spec, ',')) {
    auto eq = field.find('=');
    std::string key(trim(field.substr(0, eq))), value(eq == std::string_view::npos ? "" : trim(field.substr(eq + 1)));
    if (key == "type") type = value;
    else if (key == "target" || key == "dst" || key == "destination") target = value;
    else if (key == "id") id = value;
  }
  if (type != "cache")
    throw Error(ErrorKind::Document, "RUN --mount=type=" + type + " is not supported", in.loc,
                "waybill supports --mount=type=cache,target=DIR");
  if (target.empty() || target[0] != '/')
    throw Error(ErrorKind::Document, "RUN --mount needs an absolute target", in.loc, "write --mount=type=cache,target=/DIR");
  fs::path dir = run.store.cache_dir() / "build-mounts" / oci::Digest::sha256_of(id.empty() ? target : id).hex();
  make_dirs(dir);
  return box::BindMount{dir, target, false};
}

constexpr size_t kLongestLine = 2000;

// A step's output as it arrives, cut into lines (long ones shortened) and passed on,
// with the last few kept for an error message.
class OutputLines {
 public:
  explicit OutputLines(std::function<void(const std::string&)> each) : each_(std::move(each)) {}

  void add(std::string_view chunk) {
    for (char c : chunk) {
      if (c == '\n') flush();
      else if (line_.size() < kLongestLine) line_ += c;
      else truncated_ = true;
    }
  }
  void finish() {
    if (!line_.empty()) flush();
  }
  const std::deque<std::string>& tail() const { return tail_; }

 private:
  void flush() {
    if (truncated_) line_ += " [...]";
    each_(line_);
    tail_.push_back(std::move(line_));
    if (tail_.size() > kFailureLines) tail_.pop_front();
    line_.clear();
    truncated_ = false;
  }

  std::function<void(const std::string&)> each_;
  std::string line_;
  bool truncated_ = false;
  std::deque<std::string> tail_;
};

}  // namespace

void run_step(BuildRun& run, const Instruction& in, ImageState& state, const std::string& label) {
  if (run.seccomp.empty()) run.seccomp = box::seccomp_program(run.store);
  // Leased for the whole step, packing included: a killed build's upper layer goes
  // with the next box (box/lease.hpp).
  box::Lease lease = box::Lease::take(run.store.home() / "boxes", "run");
  TempDir step("run-", run.store.tmp_dir());
  lease.add_dir(step.path());
  fs::path upper = step.path() / "upper", work = step.path() / "work";
  make_dirs(upper);
  make_dirs(work);

  box::BoxSpec spec;
  spec.root.lower = state.layer_dirs;
  spec.root.upper = upper;
  spec.root.work = work;
  spec.argv = command_of(in, state);
  spec.env = config_env(state);
  for (const auto& [name, value] : state.args)
    if (!box::env_get(spec.env, name)) spec.env.push_back(name + "=" + value);  // ENV wins over ARG
  spec.cwd = workdir_of(state);
  spec.user = runtime_string(state, "User");
  spec.tmpfs_tmp = false;
  spec.hostname = "waybill-build";  // fixed: a random name would leak into what steps write
  spec.network = run.options.network;
  if (auto net = in.flag("network")) {
    if (*net == "none") spec.network = box::Network::None;
    else if (*net == "host" || *net == "default") spec.network = box::Network::Host;
    else throw Error(ErrorKind::Document, "RUN --network=" + *net + " is not supported", in.loc, "use none, host or default");
  }
  for (const auto& m : in.flag_values("mount")) spec.mounts.push_back(cache_mount(run, in, m));
  if (in.flag("security"))
    throw Error(ErrorKind::Document, "RUN --security is not supported: steps always run confined", in.loc,
                "remove --security=insecure; a step that needs more privileges cannot run in waybill's boxes");
  spec.seccomp_bpf = run.seccomp;
  // A step gets what a real build needs and no more: a Dockerfile from a stranger must
  // not fork-bomb or starve the host (plan/trust.hpp has the numbers).
  plan::LimitSettings limits = plan::default_build_limits();
  spec.limits.memory_bytes = limits.memory_bytes;
  spec.limits.pids = limits.pids;
  spec.timeout = *limits.cell_timeout;
  spec.state_dir = run.store.home() / "boxes";
  make_dirs(spec.state_dir);
  auto [out_read, out_write] = make_pipe();
  spec.stdio.out = out_write.get();
  spec.stdio.err = out_write.get();

  // Plain progress passes every line on; the compact view shows the latest one.
  bool plain = !run.reporter.redraws();
  std::string shown = in.text();
  if (shown.size() > 60) shown = shown.substr(0, 60) + "...";
  OutputLines output([&](const std::string& line) {
    if (plain) run.reporter.status("  " + line);
    else run.reporter.activity(label + shown + "  " + line.substr(0, 60));
  });
  auto spec_timeout = spec.timeout;
  box::Box box = box::Box::start(std::move(spec), run.reporter);
  out_write.reset();  // the box holds the only write ends now: its end is end of file
  box::OutputRelay relay{out_read.get(), [&](std::string_view chunk) {
                            output.add(chunk);
                            return true;
                          }};
  box::BoxOutcome outcome = box.wait(run.reporter, {relay});
  output.finish();
  const auto& tail = output.tail();
  if (outcome.start_error)
    throw Error(ErrorKind::Cell, "RUN could not start: " + outcome.start_error->message, in.loc, outcome.start_error->hint);
  if (outcome.status.code != 0) {
    std::string why = outcome.status.timed_out     ? "ran longer than a step may (" + format_duration_ms(
                                                         static_cast<double>(spec_timeout.count())) + ") and was stopped"
                      : outcome.status.out_of_memory ? "ran out of memory (a step may use " +
                                                         format_binary_size(*limits.memory_bytes) + ")"
                      : outcome.status.signal        ? "was killed by signal " + std::to_string(outcome.status.signal)
                                                     : "exited with code " + std::to_string(outcome.status.code);
    std::string command = in.text();
    if (command.size() > 200) command = command.substr(0, 200) + "...";
    std::string message = "`" + command + "` " + why;
    if (!tail.empty()) message += "; its last lines:";
    for (const auto& line : tail) message += "\n  " + line;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error(ErrorKind::Cell, message, in.loc, "fix the command, then build again: the steps before it are cached");
  }
  commit_upper(run, upper, in.text() + " # waybill", state);
}

}  // namespace waybill::build
