// Word expansion beyond BuildKit's vectors: the backtick escape, error messages, raw modes.
#include <catch2/catch.hpp>

#include <map>

#include "build/shell_words.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::build;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view n) -> std::optional<std::string> {
    auto it = vars.find(std::string(n));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(std::string_view word, const EnvLookup& env) {
  try {
    expand_word(word, env);
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("the escape directive's backtick escapes instead of the backslash") {
  ShellWordOptions tick;
  tick.escape = '`';
  auto env = env_of({{"X", "1"}});
  CHECK(expand_word("C:\\dir `$X $X", env, tick) == "C:\\dir $X 1");
  CHECK(expand_word("\"a`\"b\"", env, tick) == "a\"b");
}

TEST_CASE("errors say what is wrong") {
  auto env = env_of({{"EMPTY", ""}});
  CHECK(error_of("${MISSING?must be set}", env) == "MISSING: must be set");
  CHECK(error_of("${EMPTY:?}", env) == "EMPTY: is not allowed to be empty");
  CHECK(error_of("${X", env) == "syntax error: missing '}'");
  CHECK(error_of("${}", env) == "syntax error: bad substitution");
  CHECK(error_of("${X:=y}", env) == "unsupported modifier (=) in substitution");
  CHECK(error_of("'open", env).find("single-quote") != std::string::npos);
}

TEST_CASE("raw quotes and escapes keep the text as written, expanding variables") {
  ShellWordOptions raw;
  raw.raw_quotes = true;
  raw.raw_escapes = true;
  auto env = env_of({{"A", "x y"}});
  CHECK(expand_word("'$A' \"$A\" \\$A", env, raw) == "'$A' \"x y\" \\$A");
  CHECK(expand_words("run <<\"EOF\" $A", env, raw) == std::vector<std::string>{"run", "<<\"EOF\"", "x", "y"});
}
