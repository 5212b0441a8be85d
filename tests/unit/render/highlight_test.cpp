#include <catch2/catch.hpp>

#include "render/highlight.hpp"

using namespace waybill::render;

namespace {
std::string classes_of(const std::vector<Token>& tokens, const std::string& text) {
  for (const auto& t : tokens)
    if (t.text == text) return t.cls;
  return "<missing>";
}
std::string joined(const std::vector<Token>& tokens) {
  std::string s;
  for (const auto& t : tokens) s += t.text;
  return s;
}
}  // namespace

TEST_CASE("Python, R and shell are highlighted; the text is unchanged") {
  Highlighter h(std::string(WAYBILL_SOURCE_DIR) + "/templates/highlight");
  std::string py = "def f(x):\n    return \"s\"  # note\n";
  auto t = h.highlight(py, "python");
  CHECK(joined(t) == py);
  CHECK(classes_of(t, "def") == "kw");
  CHECK(classes_of(t, "\"s\"") == "st");
  CHECK(classes_of(t, "# note") == "co");
  auto r = h.highlight("x <- c(1, 2)\n", "r");
  CHECK(joined(r) == "x <- c(1, 2)\n");
  auto sh = h.highlight("echo $HOME\n", "bash");
  CHECK(joined(sh) == "echo $HOME\n");
}

TEST_CASE("waybill's own rules: Dockerfile and YAML") {
  Highlighter h(std::string(WAYBILL_SOURCE_DIR) + "/templates/highlight");
  auto d = h.highlight("FROM debian:bookworm\nRUN apt-get update # go\n", "dockerfile");
  CHECK(classes_of(d, "FROM") == "kw");
  CHECK(classes_of(d, "RUN") == "kw");
  auto y = h.highlight("network: none\n", "yaml");
  CHECK(classes_of(y, "network") == "kw");
}

TEST_CASE("unknown languages come back as plain lines") {
  Highlighter h(std::string(WAYBILL_SOURCE_DIR) + "/templates/highlight");
  auto t = h.highlight("a\nb\n", "no-such-language");
  CHECK(joined(t) == "a\nb\n");
  for (const auto& tok : t) CHECK(tok.cls.empty());
}

TEST_CASE("a very long line is shown plain: highlighting it would take time quadratic in its length") {
  Highlighter h(std::string(WAYBILL_SOURCE_DIR) + "/templates/highlight");
  std::string line = "x = [";
  for (int i = 0; i < 300; ++i) line += "\"a" + std::to_string(i) + "\", ";
  line += "]";
  REQUIRE(line.size() > 1000);
  std::vector<Token> tokens = h.highlight(line + "\nprint(1)\n", "python");
  REQUIRE(tokens.size() >= 2);
  CHECK(tokens[0].cls.empty());
  CHECK(tokens[0].text == line);
  bool later_highlighted = false;
  for (size_t i = 2; i < tokens.size(); ++i) later_highlighted = later_highlighted || !tokens[i].cls.empty();
  CHECK(later_highlighted);
}
