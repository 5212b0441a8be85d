#include "build/instructions.hpp"

#include <algorithm>
#include <set>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace {

struct OpInfo {
  Op op;
  const char* keyword;  // lower case
  std::vector<std::string> flags;
};

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> table = {
      {Op::From, "from", {"platform"}},
      {Op::Run, "run", {"mount", "network", "security"}},
      {Op::Cmd, "cmd", {}},
      {Op::Label, "label", {}},
      {Op::Maintainer, "maintainer", {}},
      {Op::Expose, "expose", {}},
      {Op::Env, "env", {}},
      {Op::Add, "add", {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"}},
      {Op::Copy, "copy", {"from", "chown", "chmod", "link", "parents", "exclude"}},
      {Op::Entrypoint, "entrypoint", {}},
      {Op::Volume, "volume", {}},
      {Op::User, "user", {}},
      {Op::Workdir, "workdir", {}},
      {Op::Arg, "arg", {}},
      {Op::Onbuild, "onbuild", {}},
      {Op::StopSignal, "stopsignal", {}},
      {Op::Healthcheck, "healthcheck", {"interval", "timeout", "start-period", "start-interval", "retries"}},
      {Op::Shell, "shell", {}},
  };
  return table;
}

const OpInfo* find_op(std::string_view keyword) {
  for (const auto& info : op_table())
    if (keyword == info.keyword) return &info;
  return nullptr;
}

const OpInfo& info_of(Op op) {
  for (const auto& info : op_table())
    if (info.op == op) return info;
  throw Error(ErrorKind::Internal, "unknown instruction kind");
}

class Checker {
 public:
  Checker(const ParseSource& source) : source_(source) {}

  Instruction instruction(SyntaxNode node) {
    Instruction in;
    in.loc = SourceLoc{source_.file, node.start_line + source_.line_offset, 1};
    const OpInfo* info = find_op(node.keyword);
    if (!info) {
      std::vector<std::string> names;
      for (const auto& i : op_table()) names.push_back(to_upper(i.keyword));
      std::string suggestion = closest_match(node.keyword, names);
      throw Error(ErrorKind::Document, "unknown instruction: " + to_upper(node.keyword), in.loc,
                  suggestion.empty() ? "see the Dockerfile reference for the instructions there are"
                                     : "did you mean " + suggestion + "?");
    }
    in.op = info->op;
    for (const auto& raw : node.flags) in.flags.push_back(flag(raw, *info, in.loc));
    in.node = std::move(node);
    check_arguments(in);
    return in;
  }

 private:
  static std::string to_upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }

  Flag flag(const std::string& raw, const OpInfo& info, const SourceLoc& loc) {
    std::string_view text = raw;
    if (text.substr(0, 2) == "--") text.remove_prefix(2);
    Flag f;
    auto eq = text.find('=');
    f.name = to_lower(text.substr(0, eq));
    if (eq != std::string_view::npos) f.value = std::string(text.substr(eq + 1));
    if (std::find(info.flags.begin(), info.flags.end(), f.name) == info.flags.end()) {
      std::string accepted;
      for (const auto& name : info.flags) accepted += (accepted.empty() ? "--" : ", --") + name;
      throw Error(ErrorKind::Document, "unknown flag --" + f.name + " for " + to_upper(info.keyword), loc,
                  accepted.empty() ? to_upper(info.keyword) + " takes no flags"
                                   : to_upper(info.keyword) + " accepts " + accepted);
    }
    return f;
  }

  void check_arguments(const Instruction& in) {
    const auto& args = in.node.args;
    std::string name = op_name(in.op);
    auto fail = [&](const std::string& what, const std::string& hint) {
      throw Error(ErrorKind::Document, name + " " + what, in.loc, hint);
    };
    switch (in.op) {
      case Op::From:
        if (args.size() != 1 && !(args.size() == 3 && to_lower(args[1]) == "as"))
          fail("takes an image and an optional stage name", "write FROM IMAGE or FROM IMAGE AS NAME");
        break;
      case Op::Add:
      case Op::Copy:
        if (args.size() < 2) fail("needs a source and a destination", "write " + name + " SOURCE... DEST");
        break;
      case Op::Run:
        if (args.empty() && in.node.heredocs.empty()) fail("needs a command", "write RUN COMMAND");
        break;
      case Op::Shell:
        if (!in.node.json || args.empty()) fail("needs the exec form", "write SHELL [\"/bin/sh\", \"-c\"]");
        break;
      case Op::User:
      case Op::Workdir:
      case Op::StopSignal:
      case Op::Maintainer:
        if (args.size() != 1 || args[0].empty()) fail("takes exactly one argument", "write " + name + " VALUE");
        break;
      case Op::Expose:
      case Op::Volume:
      case Op::Arg:
        if (args.empty()) fail("needs at least one argument", "write " + name + " VALUE");
        break;
      case Op::Healthcheck:
        if (args.empty()) fail("needs CMD or NONE", "write HEALTHCHECK CMD COMMAND, or HEALTHCHECK NONE");
        if (to_lower(args[0]) == "none" && args.size() != 1) fail("NONE takes no arguments", "write HEALTHCHECK NONE");
        if (to_lower(args[0]) == "cmd" && args.size() < 2) fail("CMD needs a command", "write HEALTHCHECK CMD COMMAND");
        if (to_lower(args[0]) != "none" && to_lower(args[0]) != "cmd")
          fail("takes CMD or NONE, not " + args[0], "write HEALTHCHECK CMD COMMAND, or HEALTHCHECK NONE");
        break;
      case Op::Onbuild: {
        if (in.node.sub.empty()) fail("needs an instruction", "write ONBUILD INSTRUCTION");
        const std::string& inner = in.node.sub[0].keyword;
        if (inner == "onbuild" || inner == "from" || inner == "maintainer")
          fail("cannot carry " + to_upper(inner), "ONBUILD takes any instruction but ONBUILD, FROM and MAINTAINER");
        SyntaxNode sub = in.node.sub[0];
        sub.start_line = in.node.start_line;
        instruction(std::move(sub));  // checked now, run when an image builds FROM this one
        break;
      }
      default:
        break;
    }
  }

  const ParseSource& source_;
};

bool valid_stage_name(const std::string& name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

const char* op_name(Op op) {
  static const char* names[] = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
                                "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
                                "HEALTHCHECK", "SHELL"};
  (void)info_of(op);
  return names[static_cast<int>(op)];
}

std::optional<std::string> Instruction::flag(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& f : flags)
    if (f.name == name) value = f.value.value_or("");
  return value;
}

std::vector<std::string> Instruction::flag_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& f : flags)
    if (f.name == name) values.push_back(f.value.value_or(""));
  return values;
}

std::string Instruction::text() const {
  std::string_view original = trim(node.original);
  auto space = original.find_first_of(" \t");
  std::string rest = space == std::string_view::npos ? "" : std::string(trim(original.substr(space)));
  return std::string(op_name(op)) + (rest.empty() ? "" : " " + rest);
}

const Stage* Dockerfile::find_stage(std::string_view name_or_index) const {
  std::string lower = to_lower(name_or_index);
  for (const auto& s : stages)
    if (!s.name.empty() && s.name == lower) return &s;
  if (!lower.empty() && std::all_of(lower.begin(), lower.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      lower.size() < 6) {
    size_t i = std::stoul(lower);
    if (i < stages.size()) return &stages[i];
  }
  return nullptr;
}

std::vector<ArgDeclaration> arg_declarations(const Instruction& arg) {
  std::vector<ArgDeclaration> out;
  for (const auto& word : arg.args()) {
    ArgDeclaration d;
    auto eq = word.find('=');
    d.name = word.substr(0, eq);
    if (eq != std::string::npos) d.default_value = word.substr(eq + 1);
    if (d.name.empty())
      throw Error(ErrorKind::Document, "ARG `" + word + "` has no name", arg.loc, "write ARG NAME or ARG NAME=default");
    out.push_back(std::move(d));
  }
  return out;
}

Dockerfile to_instructions(SyntaxTree tree, const ParseSource& source) {
  Dockerfile df;
  df.escape = tree.escape;
  df.warnings = std::move(tree.warnings);
  Checker checker(source);
  std::set<std::string> names;
  for (auto& node : tree.nodes) {
    Instruction in = checker.instruction(std::move(node));
    if (in.op == Op::From) {
      Stage stage;
      stage.index = df.stages.size();
      stage.base = in.args()[0];
      if (in.args().size() == 3) {
        stage.name = to_lower(in.args()[2]);
        if (!valid_stage_name(stage.name))
          throw Error(ErrorKind::Document, "invalid stage name `" + in.args()[2] + "`", in.loc,
                      "a stage name starts with a letter and holds letters, digits, '-', '_' and '.'");
        if (!names.insert(stage.name).second)
          throw Error(ErrorKind::Document, "the stage name `" + stage.name + "` is used twice", in.loc,
                      "give each stage its own name");
      }
      stage.from = std::move(in);
      df.stages.push_back(std::move(stage));
      continue;
    }
    if (df.stages.empty()) {
      if (in.op != Op::Arg)
        throw Error(ErrorKind::Document, std::string(op_name(in.op)) + " before the first FROM", in.loc,
                    "a Dockerfile starts with FROM; only ARG may come before it");
      arg_declarations(in);  // checked here, used by FROM lines
      df.meta_args.push_back(std::move(in));
      continue;
    }
    if (in.op == Op::Arg) arg_declarations(in);
    df.stages.back().steps.push_back(std::move(in));
  }
  if (df.stages.empty())
    throw Error(ErrorKind::Document, "the Dockerfile has no FROM", SourceLoc{source.file, 0, 0},
                "a Dockerfile starts with FROM IMAGE (or FROM scratch)");
  return df;
}

Dockerfile read_dockerfile(std::string_view text, const ParseSource& source) {
  return to_instructions(parse_dockerfile(text, source), source);
}

}  // namespace waybill::build
