// .dockerignore with Docker's rules, and path cleaning.
#include <catch2/catch.hpp>

#include "build/dockerignore.hpp"

using namespace waybill::build;

TEST_CASE("patterns match a path or a parent directory, with * ? [] and **") {
  IgnoreRules rules("# a comment\n\n*.log\nbuild/\n**/cache\ndocs/[a-c]?.md\n/rooted\n");
  CHECK(rules.ignored("app.log"));
  CHECK_FALSE(rules.ignored("logs/app.log"));  // * stays within one component
  CHECK(rules.ignored("build/out/bin"));        // under an ignored directory
  CHECK(rules.ignored("cache"));
  CHECK(rules.ignored("a/b/cache/x"));
  CHECK(rules.ignored("docs/b1.md"));
  CHECK_FALSE(rules.ignored("docs/d1.md"));
  CHECK(rules.ignored("rooted"));
  CHECK_FALSE(rules.ignored("src/main.c"));
}

TEST_CASE("the last matching pattern decides, and ! re-includes") {
  IgnoreRules rules("*.md\n!README.md\ndocs\n!docs/keep.md\n");
  CHECK(rules.ignored("notes.md"));
  CHECK_FALSE(rules.ignored("README.md"));
  CHECK(rules.ignored("docs/other.md"));
  CHECK_FALSE(rules.ignored("docs/keep.md"));
  CHECK(rules.has_exceptions());
  IgnoreRules later("!README.md\n*.md\n");
  CHECK(later.ignored("README.md"));
}

TEST_CASE("patterns that climb out of the context match nothing in it") {
  IgnoreRules rules("!../secret\n../*\n");
  CHECK_FALSE(rules.ignored("secret"));
  CHECK_FALSE(rules.ignored("x"));
}

TEST_CASE("clean_path works as Go's filepath.Clean") {
  CHECK(clean_path("a/./b/../c/") == "a/c");
  CHECK(clean_path("../x") == "../x");
  CHECK(clean_path("/../x") == "/x");
  CHECK(clean_path("") == ".");
  CHECK(clean_path("a/..") == ".");
}

TEST_CASE("match_component is Go's filepath.Match for one component") {
  CHECK(match_component("*.c", "main.c"));
  CHECK(match_component("*", ".hidden"));
  CHECK(match_component("[^a]x", "bx"));
  CHECK_FALSE(match_component("[^a]x", "ax"));
  CHECK(match_component("\\*", "*"));
}
