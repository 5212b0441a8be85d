#pragma once
// A Dockerfile as a list of build stages (BuildKit's instructions package): each
// instruction known, its flags checked against what it accepts, its argument count
// checked, stages named. Words are still unexpanded: ARG and ENV values are known only
// while building. Every error carries the instruction's location.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build/syntax_tree.hpp"

namespace waybill::build {

enum class Op {
  From, Run, Cmd, Label, Maintainer, Expose, Env, Add, Copy, Entrypoint,
  Volume, User, Workdir, Arg, Onbuild, StopSignal, Healthcheck, Shell,
};

// "RUN", "COPY", ...
const char* op_name(Op op);

struct Flag {
  std::string name;                  // without the dashes: "from"
  std::optional<std::string> value;  // absent for a bare `--link`
};

struct Instruction {
  Op op = Op::Run;
  SyntaxNode node;          // arguments as written, exec form, heredocs, text
  std::vector<Flag> flags;  // only flags this instruction accepts
  SourceLoc loc;            // file and first line

  // The last value given for a flag (a bare flag gives ""); nullopt when absent.
  std::optional<std::string> flag(std::string_view name) const;
  std::vector<std::string> flag_values(std::string_view name) const;  // every `--mount=`
  const std::vector<std::string>& args() const { return node.args; }
  // "RUN apt-get update" as written, for progress lines and history.
  std::string text() const;
};

struct Stage {
  size_t index = 0;
  std::string name;   // from `AS name`, lower case; empty when unnamed
  std::string base;   // the image word of FROM, unexpanded
  Instruction from;
  std::vector<Instruction> steps;
  // The name people use for it in messages: its name, or its index.
  std::string label() const { return name.empty() ? std::to_string(index) : name; }
};

struct Dockerfile {
  std::vector<Instruction> meta_args;  // ARG before the first FROM (usable in FROM lines)
  std::vector<Stage> stages;
  char escape = '\\';
  std::vector<std::string> warnings;

  // The stage `name_or_index` refers to (a name, case-insensitive, or a number), or null.
  const Stage* find_stage(std::string_view name_or_index) const;
};

// One `NAME` or `NAME=default` of an ARG instruction, default unexpanded.
struct ArgDeclaration {
  std::string name;
  std::optional<std::string> default_value;
};
std::vector<ArgDeclaration> arg_declarations(const Instruction& arg);

// Parses and checks. Throws Error(Document) located at the offending instruction.
Dockerfile read_dockerfile(std::string_view text, const ParseSource& source = {});
Dockerfile to_instructions(SyntaxTree tree, const ParseSource& source);

}  // namespace waybill::build
