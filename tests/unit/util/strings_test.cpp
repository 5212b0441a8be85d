#include <catch2/catch.hpp>

#include "util/error.hpp"
#include "util/strings.hpp"

using namespace waybill;

TEST_CASE("trim, split, split_lines, join, replace_all") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(split("a,,b", ',') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(split_lines("a\r\nb\n") == std::vector<std::string_view>{"a", "b"});
  CHECK(split_lines("a\n\nb") == std::vector<std::string_view>{"a", "", "b"});
  CHECK(join({"x", "y", "z"}, ", ") == "x, y, z");
  CHECK(replace_all("a-b-c", "-", "--") == "a--b--c");
}

TEST_CASE("closest_match suggests only likely typos") {
  std::vector<std::string> known = {"echo", "eval", "fig-cap", "label"};
  CHECK(closest_match("ecko", known) == "echo");
  CHECK(closest_match("fig-capt", known) == "fig-cap");
  CHECK(closest_match("LABEL", known) == "label");
  CHECK(closest_match("frobnicate", known).empty());
}

TEST_CASE("UTF-8 decoding and encoding round trip") {
  std::string s = "aé❶😀";
  std::string back;
  for (size_t i = 0; i < s.size();) append_utf8(back, next_code_point(s, i));
  CHECK(back == s);
  size_t i = 0;
  std::string bad = "\xff";
  CHECK(next_code_point(bad, i) == 0xFFFD);
  CHECK(i == 1);
}

TEST_CASE("diagnostics print as file:line:col: severity: message, with a hint line") {
  Diagnostic d{Severity::Error, "bad thing", SourceLoc{"paper.md", 3, 7}, "do this"};
  CHECK(format_diagnostic(d) == "paper.md:3:7: error: bad thing\n  hint: do this");
  Diagnostic w{Severity::Warning, "odd", SourceLoc{"x.md", 2, 0}, ""};
  CHECK(format_diagnostic(w) == "x.md:2: warning: odd");
}

TEST_CASE("error kinds map to the documented exit codes") {
  CHECK(exit_code_for(ErrorKind::Usage) == 2);
  CHECK(exit_code_for(ErrorKind::Document) == 1);
  CHECK(exit_code_for(ErrorKind::Environment) == 3);
  CHECK(exit_code_for(ErrorKind::Drift) == 4);
}

TEST_CASE("is_valid_utf8") {
  CHECK(is_valid_utf8("plain ASCII that is long enough for the fast path"));
  CHECK(is_valid_utf8("café ❶ 😀 한국어"));
  CHECK_FALSE(is_valid_utf8("bad \xff byte"));
  CHECK_FALSE(is_valid_utf8("truncated \xe2\x9d"));
  CHECK_FALSE(is_valid_utf8("overlong \xc0\xaf"));
  CHECK_FALSE(is_valid_utf8("surrogate \xed\xa0\x80"));
  CHECK_FALSE(is_valid_utf8("beyond \xf4\x90\x80\x80"));
}

TEST_CASE("text from outside is made valid UTF-8 and printable") {
  CHECK(to_valid_utf8("plain é") == "plain é");
  CHECK(to_valid_utf8("a\xff" "b") == "a\xef\xbf\xbd" "b");
  CHECK(is_valid_utf8(to_valid_utf8("\xc0\xaf\xed\xa0\x80 \xf4\x90\x80\x80")));
  CHECK(printable("ok name") == "ok name");
  CHECK(printable("a\x1b[2Jb\n") == "a\\x1b[2Jb\\x0a");
  CHECK(printable("\xff") == "\\xff");
  CHECK(printable(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
}
