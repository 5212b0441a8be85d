// BuildKit's public test vectors for the Dockerfile parser and word expansion, read
// from ../shared/conformance (see its README for the formats). One run per suite:
//   dockerfile_conformance parser|envvar|words SHARED_DIR
// Exits 0 when every applicable case passes, 1 listing the failures, and 77 (skipped)
// with a message when the shared folder, or the suite's vectors in it, are absent.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "build/shell_words.hpp"
#include "build/syntax_tree.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;
using namespace waybill;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Tally {
  int passed = 0, failed = 0;
  void fail(const std::string& name, const std::string& why) {
    ++failed;
    std::cout << "FAIL " << name << ": " << why << "\n";
  }
};

void parser_suite(const fs::path& dir, Tally& t) {
  int positives = 0, negatives = 0;
  for (const auto& entry : fs::directory_iterator(dir / "positive")) {
    ++positives;
    std::string name = "positive/" + entry.path().filename().string();
    std::string expected = slurp(entry.path() / "result");
    try {
      std::string got = build::dump_syntax(build::parse_dockerfile(slurp(entry.path() / "Dockerfile")));
      if (trim(got) == trim(expected)) ++t.passed;
      else t.fail(name, "dump differs\n--- expected\n" + expected + "\n--- got\n" + got);
    } catch (const Error& e) {
      t.fail(name, "rejected: " + e.loc().str() + ": " + e.message());
    }
  }
  for (const auto& entry : fs::directory_iterator(dir / "negative")) {
    ++negatives;
    std::string name = "negative/" + entry.path().filename().string();
    try {
      build::parse_dockerfile(slurp(entry.path() / "Dockerfile"));
      t.fail(name, "accepted, but must be rejected");
    } catch (const Error& e) {
      ++t.passed;
      std::cout << "ok   " << name << " rejected: " << e.loc().str() << ": " << e.message() << "\n";
    }
  }
  std::cout << positives << " positive and " << negatives << " negative parser cases\n";
}

build::EnvLookup lookup_in(const std::map<std::string, std::string>& env) {
  return [&env](std::string_view n) -> std::optional<std::string> {
    auto it = env.find(std::string(n));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

// `expected` is the result, or "error" when expanding must fail.
void check_expansion(Tally& t, const std::string& name, const std::string& expected,
                     const std::function<std::string()>& expand) {
  try {
    std::string got = expand();
    if (expected == "error") t.fail(name, "expanded to `" + got + "`, but must fail");
    else if (got == expected) ++t.passed;
    else t.fail(name, "got `" + got + "`, expected `" + expected + "`");
  } catch (const Error& e) {
    if (expected == "error") ++t.passed;
    else t.fail(name, "failed: " + e.message());
  }
}

// Calls `each(line_no, line)` for every line that is neither blank nor a comment.
void for_each_case(const fs::path& file, const std::function<void(int, std::string_view)>& each) {
  std::string text = slurp(file);
  int line_no = 0;
  for (auto line : split_lines(text)) {
    ++line_no;
    if (!trim(line).empty() && trim(line)[0] != '#') each(line_no, line);
  }
}

void envvar_suite(const fs::path& file, Tally& t) {
  std::map<std::string, std::string> env{{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
  auto lookup = lookup_in(env);
  for_each_case(file, [&](int line_no, std::string_view line) {
    auto fields = split(line, '|');
    if (fields.size() != 3) return;
    std::string platform(trim(fields[0])), input(trim(fields[1])), expected(trim(fields[2]));
    if (platform != "A" && platform != "U") return;
    check_expansion(t, "envVarTest:" + std::to_string(line_no) + " " + input, expected,
                    [&] { return build::expand_word(input, lookup); });
  });
}

void words_suite(const fs::path& file, Tally& t) {
  std::map<std::string, std::string> env;
  auto lookup = lookup_in(env);
  for_each_case(file, [&](int line_no, std::string_view line) {
    if (line.substr(0, 4) == "ENV ") {
      auto def = trim_left(line.substr(3));
      auto eq = def.find('=');
      env[std::string(def.substr(0, eq))] = std::string(def.substr(eq + 1));
      return;
    }
    auto bar = line.find('|');
    if (bar == std::string_view::npos) return;
    std::string input(trim(line.substr(0, bar))), expected(trim_left(line.substr(bar + 1)));
    check_expansion(t, "wordsTest:" + std::to_string(line_no) + " " + input, expected,
                    [&] { return join(build::expand_words(input, lookup), ","); });
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: dockerfile_conformance parser|envvar|words SHARED_DIR\n";
    return 2;
  }
  std::string suite = argv[1];
  fs::path conformance = fs::path(argv[2]) / "conformance";
  if (!fs::is_directory(conformance)) {
    std::cout << "SKIP: " << conformance.string() << " is absent (the conformance vectors live beside the checkout)\n";
    return 77;
  }
  // The suite's own vectors: a partial copy of the shared folder may lack them.
  std::vector<fs::path> needed;
  if (suite == "parser")
    needed = {conformance / "dockerfile-parser" / "positive", conformance / "dockerfile-parser" / "negative"};
  else if (suite == "envvar") needed = {conformance / "dockerfile-shell" / "envVarTest"};
  else if (suite == "words") needed = {conformance / "dockerfile-shell" / "wordsTest"};
  else return 2;
  for (const auto& p : needed) {
    if (!fs::exists(p)) {
      std::cout << "SKIP: " << p.string() << " is absent (the " << suite << " vectors are missing from the shared folder)\n";
      return 77;
    }
  }
  Tally t;
  if (suite == "parser") parser_suite(conformance / "dockerfile-parser", t);
  else if (suite == "envvar") envvar_suite(conformance / "dockerfile-shell" / "envVarTest", t);
  else words_suite(conformance / "dockerfile-shell" / "wordsTest", t);
  std::cout << suite << ": " << t.passed << " passed, " << t.failed << " failed\n";
  return t.failed == 0 && t.passed > 0 ? 0 : 1;
}
