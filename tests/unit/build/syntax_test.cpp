// The Dockerfile parser beyond BuildKit's dump vectors: heredocs, directives, locations.
#include <catch2/catch.hpp>

#include "build/syntax_tree.hpp"
#include "unit/build/build_test_util.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::build;

namespace {

Error parse_error(std::string_view text, ParseSource source = {}) {
  return test::rejection(text, [&](std::string_view t) { parse_dockerfile(t, source); });
}

}  // namespace

TEST_CASE("heredocs: bodies, several per instruction, chomping and quoting") {
  auto tree = parse_dockerfile(
      "FROM scratch\n"
      "RUN <<EOF\n"
      "echo $HOME\n"
      "EOF\n"
      "COPY <<-\"A\" <<B /dst/\n"
      "\t\tindented\n"
      "\tA\n"
      "second\n"
      "B\n"
      "RUN 3<<'X' cat <&3\n"
      "x\n"
      "X\n");
  REQUIRE(tree.nodes.size() == 4);
  const auto& run = tree.nodes[1];
  REQUIRE(run.heredocs.size() == 1);
  CHECK(run.heredocs[0].name == "EOF");
  CHECK(run.heredocs[0].content == "echo $HOME\n");
  CHECK(run.heredocs[0].expand);
  CHECK(run.start_line == 2);
  CHECK(run.end_line == 4);
  const auto& copy = tree.nodes[2];
  REQUIRE(copy.heredocs.size() == 2);
  CHECK(copy.heredocs[0].name == "A");
  CHECK(copy.heredocs[0].chomp);
  CHECK_FALSE(copy.heredocs[0].expand);
  CHECK(copy.heredocs[0].content == "\t\tindented\n");  // tabs go when the file is written
  CHECK(copy.heredocs[1].name == "B");
  CHECK(copy.heredocs[1].content == "second\n");
  CHECK(copy.args == std::vector<std::string>{"<<-\"A\"", "<<B", "/dst/"});
  const auto& fd = tree.nodes[3];
  REQUIRE(fd.heredocs.size() == 1);
  CHECK(fd.heredocs[0].fd == 3);
  CHECK_FALSE(fd.heredocs[0].expand);
}

TEST_CASE("heredocs: exec form has none; an unterminated one is an error at its instruction") {
  auto tree = parse_dockerfile("FROM scratch\nRUN [\"cat\", \"<<EOF\"]\n");
  CHECK(tree.nodes[1].heredocs.empty());
  Error e = parse_error("FROM scratch\nRUN cat <<EOF\nline\n");
  CHECK(e.loc().line == 2);
  CHECK(e.message().find("unterminated heredoc") != std::string::npos);
}

TEST_CASE("directives: escape changes continuation; repeated or invalid ones are refused") {
  auto tree = parse_dockerfile("# escape=`\nFROM scratch\nRUN dir c:\\ `\n  && echo\n");
  CHECK(tree.escape == '`');
  REQUIRE(tree.nodes.size() == 2);
  CHECK(tree.nodes[1].args == std::vector<std::string>{"dir c:\\   && echo"});
  CHECK(parse_error("# escape=`\n# escape=\\\nFROM scratch\n").message().find("only one escape") != std::string::npos);
  CHECK(parse_error("# escape=x\nFROM scratch\n").loc().line == 1);
  // After the first other line, a directive is just a comment.
  auto late = parse_dockerfile("FROM scratch\n# escape=`\nRUN a \\\n b\n");
  CHECK(late.escape == '\\');
  auto syntax = parse_dockerfile("# syntax=docker/dockerfile:1\nFROM scratch\n");
  CHECK(syntax.syntax == "docker/dockerfile:1");
}

TEST_CASE("lines: byte order mark, CRLF, comments inside continuations, empty continuation warning") {
  auto tree = parse_dockerfile("\xEF\xBB\xBF" "FROM scratch\r\nRUN a \\\r\n# note\r\n\r\n  b\r\n");
  REQUIRE(tree.nodes.size() == 2);
  CHECK(tree.nodes[0].args == std::vector<std::string>{"scratch"});
  CHECK(tree.nodes[1].args == std::vector<std::string>{"a   b"});
  CHECK(tree.nodes[1].end_line == 5);
  REQUIRE(tree.warnings.size() == 1);
  CHECK(tree.warnings[0].find("Dockerfile:2") == 0);
}

TEST_CASE("locations: a Dockerfile inside a document reports document lines") {
  ParseSource source{"paper.md", 10};
  Error e = parse_error("FROM scratch\n\nENV PATH\n", source);
  CHECK(e.loc().file == "paper.md");
  CHECK(e.loc().line == 13);
  CHECK_FALSE(e.hint().empty());
}

TEST_CASE("arguments: flags, ONBUILD, ARG lists, unknown keywords kept for the next stage") {
  auto tree = parse_dockerfile(
      "FROM --platform=linux/amd64 debian AS base\n"
      "ARG a=1 b\n"
      "ONBUILD COPY --from=base /x /y\n"
      "FROBNICATE now\n");
  CHECK(tree.nodes[0].flags == std::vector<std::string>{"--platform=linux/amd64"});
  CHECK(tree.nodes[0].args == std::vector<std::string>{"debian", "AS", "base"});
  CHECK(tree.nodes[1].args == std::vector<std::string>{"a=1", "b"});
  REQUIRE(tree.nodes[2].sub.size() == 1);
  CHECK(tree.nodes[2].sub[0].keyword == "copy");
  CHECK(tree.nodes[2].sub[0].flags == std::vector<std::string>{"--from=base"});
  CHECK(dump_syntax(tree).find("(onbuild (copy [\"--from=base\"] \"/x\" \"/y\"))") != std::string::npos);
  CHECK(tree.nodes[3].keyword == "frobnicate");
  CHECK(tree.nodes[3].original == "FROBNICATE now");
}

TEST_CASE("go_quote escapes as Go's %q does") {
  CHECK(go_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(go_quote(std::string("\x00\x7f\n", 3)) == "\"\\x00\\x7f\\n\"");
  CHECK(go_quote("☃ ok") == "\"☃ ok\"");
  CHECK(go_quote("\xff") == "\"\\xff\"");
  CHECK(go_quote("\xc2\xa0") == "\"\\u00a0\"");
}
