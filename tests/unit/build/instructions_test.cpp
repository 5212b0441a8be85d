// From syntax to stages: instructions checked, flags checked, stages named.
#include <catch2/catch.hpp>

#include "build/instructions.hpp"
#include "unit/build/build_test_util.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::build;

namespace {

Error error_of(std::string_view text) {
  return test::rejection(text, [](std::string_view t) { read_dockerfile(t); });
}

}  // namespace

TEST_CASE("stages, their names, meta ARGs and flags") {
  auto df = read_dockerfile(
      "ARG BASE=debian\n"
      "FROM $BASE AS Build\n"
      "COPY --chown=1:1 --from=x a b\n"
      "FROM scratch\n"
      "COPY --from=build /out /out\n");
  REQUIRE(df.meta_args.size() == 1);
  REQUIRE(df.stages.size() == 2);
  CHECK(df.stages[0].name == "build");
  CHECK(df.stages[0].base == "$BASE");
  CHECK(df.stages[1].name.empty());
  CHECK(df.stages[1].label() == "1");
  const auto& copy = df.stages[0].steps[0];
  CHECK(copy.op == Op::Copy);
  CHECK(copy.flag("chown") == "1:1");
  CHECK(copy.flag("from") == "x");
  CHECK_FALSE(copy.flag("chmod"));
  CHECK(df.find_stage("BUILD") == &df.stages[0]);
  CHECK(df.find_stage("1") == &df.stages[1]);
  CHECK(df.find_stage("nosuch") == nullptr);
  CHECK(copy.text() == "COPY --chown=1:1 --from=x a b");
}

TEST_CASE("ARG declarations with and without defaults") {
  auto df = read_dockerfile("FROM scratch\nARG A B=2 C=\n");
  auto decls = arg_declarations(df.stages[0].steps[0]);
  REQUIRE(decls.size() == 3);
  CHECK_FALSE(decls[0].default_value);
  CHECK(decls[1].default_value == "2");
  CHECK(decls[2].default_value == "");
}

TEST_CASE("mistakes are located and explained") {
  Error unknown = error_of("FROM scratch\nCOPPY a b\n");
  CHECK(unknown.loc().line == 2);
  CHECK(unknown.hint() == "did you mean COPY?");
  CHECK(error_of("FROM scratch\nRUN --mount-type=cache true\n").message() == "unknown flag --mount-type for RUN");
  CHECK(error_of("FROM scratch\nWORKDIR\n").message() == "WORKDIR takes exactly one argument");
  CHECK(read_dockerfile("FROM scratch\nWORKDIR /a b\n").stages[0].steps[0].args()[0] == "/a b");
  CHECK(error_of("FROM scratch\nCOPY onlyone\n").message() == "COPY needs a source and a destination");
  CHECK(error_of("FROM a AS x\nFROM b AS X\n").message() == "the stage name `x` is used twice");
  CHECK(error_of("FROM a AS 1x\n").message() == "invalid stage name `1x`");
  CHECK(error_of("ENV A=1\nFROM a\n").message() == "ENV before the first FROM");
  CHECK(error_of("FROM a\nONBUILD ONBUILD RUN x\n").message() == "ONBUILD cannot carry ONBUILD");
  CHECK(error_of("FROM a\nHEALTHCHECK NONE x\n").message() == "HEALTHCHECK NONE takes no arguments");
  CHECK(error_of("FROM a\nSHELL /bin/sh -c\n").message() == "SHELL needs the exec form");
  CHECK(error_of("FROM a\nCMD echo\nFROM b x\n").message() == "FROM takes an image and an optional stage name");
}
