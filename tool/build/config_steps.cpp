// The instructions that change only the image's configuration (ENV, LABEL, ARG, CMD,
// ENTRYPOINT, USER, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, SHELL, MAINTAINER,
// ONBUILD): applied to the state, with a history entry, and no layer.
#include "build/build_state.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::build {

using nlohmann::json;

namespace {

void set_runtime(ImageState& state, const char* key, json value) { state.config.runtime()[key] = std::move(value); }

int64_t nanoseconds(const std::string& text, const Instruction& in, const char* flag) {
  auto d = parse_duration(text);
  if (!d) throw Error(ErrorKind::Document, "invalid --" + std::string(flag) + " `" + text + "`", in.loc, "write a duration such as 30s or 1m");
  return static_cast<int64_t>(d->count()) * 1000000;
}

bool port_number(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos) return false;
  int n = std::stoi(std::string(text));
  return n >= 0 && n <= 65535;
}

// PORT, PORT/PROTO or FIRST-LAST/PROTO, as Docker's EXPOSE takes it; the protocol
// defaults to tcp.
std::string exposed_port(const std::string& text, const Instruction& in) {
  std::string port = text, proto = "tcp";
  if (auto slash = text.find('/'); slash != std::string::npos) port = text.substr(0, slash), proto = to_lower(text.substr(slash + 1));
  auto dash = port.find('-');
  bool ok = (proto == "tcp" || proto == "udp" || proto == "sctp") &&
            (dash == std::string::npos ? port_number(port)
                                       : port_number(port.substr(0, dash)) && port_number(port.substr(dash + 1)));
  if (!ok)
    throw Error(ErrorKind::Document, "EXPOSE `" + printable(text) + "` is not a port", in.loc,
                "write a port or a range, with an optional protocol: 8080, 8080/udp, 7000-7010/tcp");
  return port + "/" + proto;
}

// A signal's name (SIGTERM or TERM, real-time ones as SIGRTMIN+3) or number, as the
// runtime will read it.
std::string stop_signal(const std::string& text, const Instruction& in) {
  static const char* names[] = {"ABRT", "ALRM", "BUS",  "CHLD", "CONT", "FPE",  "HUP",    "ILL",    "INT",
                                "IO",   "KILL", "PIPE", "PROF", "PWR",  "QUIT", "SEGV",   "STKFLT", "STOP",
                                "SYS",  "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG",    "USR1",   "USR2",
                                "VTALRM", "WINCH", "XCPU", "XFSZ", "POLL", "IOT", "RTMIN", "RTMAX"};
  std::string name = to_upper(text);
  if (name.starts_with("SIG")) name = name.substr(3);
  bool ok = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() <= 2 &&
            std::stoi(name) >= 1 && std::stoi(name) <= 64;
  for (const char* n : names) ok = ok || name == n;
  for (const char* rt : {"RTMIN+", "RTMAX-"})
    if (name.starts_with(rt) && name.size() > 6 && name.size() <= 8 &&
        name.substr(6).find_first_not_of("0123456789") == std::string::npos)
      ok = true;
  if (!ok)
    throw Error(ErrorKind::Document, "STOPSIGNAL `" + printable(text) + "` is not a signal", in.loc,
                "write a signal's name or number: SIGTERM, SIGINT, 9");
  return text;
}

json command(const Instruction& in, const ImageState& state) {
  if (in.node.json) return in.args();
  if (in.args().empty()) return json();
  std::vector<std::string> argv = state.shell;
  argv.push_back(in.args()[0]);
  return argv;
}

}  // namespace

void apply_config_step(BuildRun& run, const Dockerfile& df, const Instruction& in, ImageState& state) {
  EnvLookup env = stage_env(state);
  ShellWordOptions words = word_options(df);
  auto expand = [&](const std::string& w) { return expand_word(w, env, words); };
  const auto& args = in.args();
  switch (in.op) {
    case Op::Env: {
      std::vector<std::pair<std::string, std::string>> pairs;  // all expanded before any is set
      for (size_t i = 0; i + 2 < args.size(); i += 3) pairs.emplace_back(expand(args[i]), expand(args[i + 1]));
      for (const auto& [k, v] : pairs) set_config_env(state, k, v);
      break;
    }
    case Op::Label:
      for (size_t i = 0; i + 2 < args.size(); i += 3) state.config.set_label(expand(args[i]), expand(args[i + 1]));
      break;
    case Op::Arg:
      for (const auto& decl : arg_declarations(in)) {
        std::optional<std::string> value;
        if (auto it = run.build_args.find(decl.name); it != run.build_args.end()) value = it->second;
        else if (decl.default_value) value = expand(*decl.default_value);
        else if (auto meta = run.meta_args.find(decl.name); meta != run.meta_args.end()) value = meta->second;
        run.consumed.insert(decl.name);
        if (value) state.args[decl.name] = *value;
        else state.args.erase(decl.name);
      }
      break;
    case Op::Cmd:
      set_runtime(state, "Cmd", command(in, state));
      state.cmd_set = true;
      break;
    case Op::Entrypoint:
      set_runtime(state, "Entrypoint", command(in, state));
      if (!state.cmd_set) set_runtime(state, "Cmd", json());  // the base's Cmd does not carry over
      break;
    case Op::User: set_runtime(state, "User", expand(args[0])); break;
    case Op::StopSignal: set_runtime(state, "StopSignal", stop_signal(expand(args[0]), in)); break;
    case Op::Maintainer: state.config.json["author"] = expand(args[0]); break;
    case Op::Expose:
      for (const auto& a : args)
        for (const auto& port : expand_words(a, env, words))
          state.config.runtime()["ExposedPorts"][exposed_port(port, in)] = json::object();
      break;
    case Op::Volume:
      for (const auto& a : args) state.config.runtime()["Volumes"][expand(a)] = json::object();
      break;
    case Op::Shell: state.shell = args; break;
    case Op::Onbuild: {
      auto& triggers = state.config.runtime()["OnBuild"];
      if (!triggers.is_array()) triggers = json::array();
      triggers.push_back(in.node.sub[0].original);
      break;
    }
    case Op::Healthcheck: {
      json check;
      if (to_lower(args[0]) == "none") {
        check["Test"] = {"NONE"};
      } else {
        json test = json::array({in.node.json ? "CMD" : "CMD-SHELL"});
        for (size_t i = 1; i < args.size(); ++i) test.push_back(args[i]);
        check["Test"] = test;
        if (auto v = in.flag("interval")) check["Interval"] = nanoseconds(*v, in, "interval");
        if (auto v = in.flag("timeout")) check["Timeout"] = nanoseconds(*v, in, "timeout");
        if (auto v = in.flag("start-period")) check["StartPeriod"] = nanoseconds(*v, in, "start-period");
        if (auto v = in.flag("start-interval")) check["StartInterval"] = nanoseconds(*v, in, "start-interval");
        if (auto v = in.flag("retries")) check["Retries"] = std::atoi(v->c_str());
      }
      set_runtime(state, "Healthcheck", check);
      break;
    }
    default:
      break;
  }
  std::string description = in.text();
  for (const auto& a : state.args) description += "\narg " + a.first + "=" + a.second;
  state.key = hash_key(state.key, description);
  add_history(run, state, in.text() + " # waybill", true);
}


}  // namespace waybill::build
