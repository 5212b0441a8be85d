// The YAML reader behind front matter, cell options, manifests and waybill.yml: strict
// YAML 1.2 (libfyaml), located errors, and bounds a hostile document cannot pass.
#include <catch2/catch.hpp>

#include "doc/yaml_meta.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::doc;

namespace {

const YamlOrigin kFront{"paper.md", "front matter", 2, 0};

Error yaml_error(const std::string& text) {
  try {
    parse_yaml(text, kFront);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error for:\n" << text);
  return Error(ErrorKind::Internal, "");
}

}  // namespace

TEST_CASE("an unterminated quote is an error at its line, not a long title") {
  Error e = yaml_error("title: \"unterminated\nauthor: [a, b\n");
  CHECK(e.kind() == ErrorKind::Document);
  CHECK(e.message().find("invalid front matter YAML") == 0);
  CHECK(e.loc().line == 2);
  CHECK(e.hint().find("unclosed quote") != std::string::npos);
  CHECK(yaml_error("title: 'single\n").loc().line == 2);
  CHECK(yaml_error("title: \"unterminated").loc().line == 2);
}

TEST_CASE("an unclosed bracket is reported where it opens") {
  Error e = yaml_error("title: A paper\nauthor: [Jane Doe, John Roe\ndate: 2026\n");
  CHECK(e.loc().line == 3);
  CHECK(e.loc().col == 9);
}

TEST_CASE("inputs a lenient parser takes are refused") {
  for (const char* text : {"[ , a, b ]\n", "[ a, b, , ]\n", "key: \"value\"# comment\n", "- item1\n- item2\ninvalid: x\n",
                           "top1:\n  key1: val1\ntop2\n", "foo: \"bar\n\tbaz\"\n", "[-]\n", "double: \"quoted \\' scalar\"\n",
                           "a: 1\n---\nb: 2\n"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_yaml(text, kFront), Error);
  }
}

TEST_CASE("values keep their kinds, places and quoting") {
  MetaValue v = parse_yaml("title: \"A\"\nn: 3\nempty:\nlist: [a, 'b']\nblock: |\n  text\n", kFront);
  REQUIRE(v.is_map());
  CHECK(v.get("title")->quoted);
  CHECK(v.get("title")->pos.line == 2);
  CHECK(v.get("title")->pos.col == 8);
  CHECK_FALSE(v.get("n")->quoted);
  CHECK(v.get("n")->scalar == "3");
  CHECK(v.get("empty")->is_null());
  CHECK(v.get("empty")->pos.line == 4);
  REQUIRE(v.get("list")->list.size() == 2);
  CHECK(v.get("list")->list[1].quoted);
  CHECK(v.get("block")->scalar == "text\n");
  CHECK(v.get("block")->quoted);
}

TEST_CASE("anchors and aliases copy values, within a bound") {
  MetaValue v = parse_yaml("base: &b {x: 1}\nuse: *b\n", kFront);
  CHECK(v.get("use")->get("x")->scalar == "1");
  // A billion laughs: ten levels of ten aliases each.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  Error e = yaml_error(bomb);
  CHECK(e.message().find("once aliases are expanded") != std::string::npos);
  CHECK(yaml_error("a: *nothing\n").message().find("unknown alias") != std::string::npos);
}

TEST_CASE("nesting is bounded") {
  std::string deep(100000, '[');
  Error e = yaml_error(deep + "\n");
  CHECK(e.message().find("levels deep") != std::string::npos);
}

TEST_CASE("duplicate keys and complex keys are errors at their place") {
  Error dup = yaml_error("a: 1\nb: 2\na: 3\n");
  CHECK(dup.message().find("duplicate key `a`") != std::string::npos);
  CHECK(dup.loc().line == 4);
  CHECK(yaml_error("? [a, b]\n: c\n").message().find("a key must be a plain name") != std::string::npos);
}

TEST_CASE("text that is not printable UTF-8 is refused before parsing") {
  // A directive line with a byte that is not UTF-8 makes libfyaml 0.7.12 loop for ever.
  Error e = yaml_error(std::string("# >\n%ut\xf8{"));
  CHECK(e.message().find("not UTF-8") != std::string::npos);
  CHECK(e.loc().line == 3);
  CHECK(e.loc().col == 4);
  CHECK(yaml_error(std::string("a: b\x01\n")).message().find("control character (U+0001)") != std::string::npos);
  CHECK(parse_yaml("title: \"é ✓\"\n", kFront).get("title")->scalar == "é ✓");
}
