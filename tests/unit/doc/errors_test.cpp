// Every error the document model raises, each at its exact location with a hint.
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

TEST_CASE("invalid front matter YAML is located in the document") {
  Error e = parse_error("---\ntitle: ok\nauthor: [unclosed\n---\n# Body\n");
  CHECK(e.kind() == ErrorKind::Document);
  CHECK(e.message().find("invalid front matter YAML") == 0);
  CHECK(e.loc().file == "t.md");
  CHECK(e.loc().line == 3);
  CHECK(!e.hint().empty());

  Error e2 = parse_error("---\ntitle: a: b\n---\n");
  CHECK(where(e2) == "t.md:2:9");
}

TEST_CASE("duplicate front matter keys") {
  Error e = parse_error("---\ntitle: One\ndate: today\ntitle: Two\n---\n");
  CHECK(e.message() == "invalid front matter: duplicate key `title`");
  CHECK(where(e) == "t.md:4:1");
}

TEST_CASE("front matter values of the wrong type") {
  Error e = parse_error("---\ntoc: maybe\n---\n");
  CHECK(e.message() == "front matter key `toc` must be true or false, not `maybe`");
  CHECK(where(e) == "t.md:2:6");
  Error d = parse_error("---\ntoc-depth: 9\n---\n");
  CHECK(where(d) == "t.md:2:12");
  Error t = parse_error("---\ntitle: [a, b]\n---\n");
  CHECK(where(t) == "t.md:2:8");
}

TEST_CASE("invalid #| YAML is located at its line in the cell") {
  Error e = parse_error("Text\n\n```{python}\n#| echo: false\n#| fig-cap: [unclosed\n1\n```\n");
  CHECK(e.message().find("invalid cell options YAML") == 0);
  CHECK(e.loc().line == 5);
  Error m = parse_error("```{python}\n#| echo: false: true\n```\n");
  CHECK(where(m) == "t.md:2:15");  // the second colon
}

TEST_CASE("a cell option of the wrong type") {
  Error e = parse_error("```{python}\n#| echo: maybe\n```\n");
  CHECK(e.message() == "cell option `echo` must be true or false, not `maybe`");
  CHECK(where(e) == "t.md:2:10");
  CHECK(e.hint().find("#| echo: false") != std::string::npos);

  Error w = parse_error("```{r plot, fig.width=\"wide\"}\n```\n");
  CHECK(w.message() == "cell option `fig-width` must be a positive number, not `wide`");
  CHECK(where(w) == "t.md:1:23");

  Error l = parse_error("```{python}\n#| fig-cap: [a, b]\n```\n");
  CHECK(l.message() == "cell option `fig-cap` must be a string, not a list");
  CHECK(where(l) == "t.md:2:13");

  Error t = parse_error("```{python}\n#| timeout: soon\n```\n");
  CHECK(t.message() == "cell option `timeout` must be a duration, not `soon`");
}

TEST_CASE("a chunk option without a value") {
  Error e = parse_error("```{r lbl, echo}\n```\n");
  CHECK(e.message() == "chunk option `echo` has no value");
  CHECK(where(e) == "t.md:1:12");
}

TEST_CASE("an invalid cell label") {
  Error e = parse_error("```{python}\n#| label: \"two words\"\n```\n");
  CHECK(e.message() == "cell label `two words` is not a valid name");
  CHECK(where(e) == "t.md:2:11");
}

TEST_CASE("duplicate cell labels name both places") {
  Error e = parse_error("```{python}\n#| label: setup\n```\n\n```{r setup}\n```\n");
  CHECK(e.message() == "duplicate cell label `setup`");
  CHECK(where(e) == "t.md:5:7");
  CHECK(e.hint().find("line 2") != std::string::npos);
}

TEST_CASE("a label used by a heading and a cell") {
  Error e = parse_error("# Intro {#sec-intro}\n\n```{python}\n#| label: sec-intro\n```\n");
  CHECK(e.message() == "duplicate cell label `sec-intro`");
  CHECK(where(e) == "t.md:4:4");
}

TEST_CASE("duplicate section ids") {
  Error e = parse_error("# A {#same}\n\n# B {#same}\n");
  CHECK(e.message() == "duplicate section id `same`");
  CHECK(where(e) == "t.md:3:1");
}

TEST_CASE("several image blocks need names") {
  Error e = parse_error("```dockerfile {#a}\nFROM scratch\n```\n\n```dockerfile\nFROM scratch\n```\n");
  CHECK(e.message() == "this document has 2 Dockerfile blocks, so each needs a name");
  CHECK(where(e) == "t.md:5:1");
  CHECK(e.hint().find("{#") != std::string::npos);
}

TEST_CASE("duplicate image names") {
  Error e = parse_error("```dockerfile {#env}\nFROM a\n```\n\n```dockerfile {#env}\nFROM b\n```\n");
  CHECK(e.message() == "duplicate image name `env`");
  CHECK(where(e) == "t.md:5:1");
  CHECK(e.hint().find("line 1") != std::string::npos);
}

TEST_CASE("an image name that is no image reference") {
  Error e = parse_error("```dockerfile {#My_Env}\nFROM a\n```\n");
  CHECK(e.message() == "image name `My_Env` is not a valid image name");
  CHECK(e.loc().line == 1);
}

TEST_CASE("manifest errors: invalid YAML, not a mapping, a second manifest") {
  Error y = parse_error("Intro\n\n```yaml {.manifest}\nnetwork: none\nlimits: {memory: 1g\n```\n");
  CHECK(y.message().find("invalid manifest YAML") == 0);
  CHECK(y.loc().line >= 5);
  Error m = parse_error("```yaml {.manifest}\n- a\n- b\n```\n");
  CHECK(m.message() == "the manifest must be a mapping of settings, not a list");
  CHECK(where(m) == "t.md:2:1");
  Error two = parse_error("```yaml {.manifest}\na: 1\n```\n\n```yaml {.manifest}\nb: 2\n```\n");
  CHECK(two.message() == "a second manifest block");
  CHECK(where(two) == "t.md:5:1");
}

TEST_CASE("an unterminated fence is a warning at the fence's line") {
  auto p = parse("# Doc\n\nText.\n\n```python\nprint(1)\n\nMore text that is now code.\n");
  REQUIRE(p.rep.diagnostics.size() == 1);
  const Diagnostic& d = p.rep.diagnostics[0];
  CHECK(d.severity == Severity::Warning);
  CHECK(d.loc.str() == "t.md:5:1");
  CHECK(d.hint == "add a closing ``` line");
  CHECK(parse("```\ncode\n```\n").rep.diagnostics.empty());
  CHECK(parse("~~~~\ncode\n~~~~~\n").rep.diagnostics.empty());
}

TEST_CASE("an unterminated fence inside a list item") {
  auto p = parse("- item\n\n  ```\n  code\n- next item\n");
  REQUIRE(p.rep.diagnostics.size() == 1);
  CHECK(p.rep.diagnostics[0].loc.line == 3);
}

TEST_CASE("a missing file is an I/O error naming it") {
  CollectingReporter rep;
  try {
    read_document("/nonexistent/paper.md", rep);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Io);
    CHECK(e.message().find("/nonexistent/paper.md") != std::string::npos);
    CHECK(e.message().find("No such file") != std::string::npos);
  }
}
