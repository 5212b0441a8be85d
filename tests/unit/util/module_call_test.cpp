// The module seam (util/module_call.hpp) through a real dlopen of tests/tools/echo_module.cpp.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "util/module_call.hpp"
#include "util/report.hpp"

using namespace waybill;

namespace {

const ModuleId kEcho{"echo", "waybill_echo_module", 7};

void use_test_modules() { ::setenv("WAYBILL_MODULE_DIR", WAYBILL_TEST_MODULE_DIR, 1); }

class RecordingReporter : public CollectingReporter {
 public:
  explicit RecordingReporter(bool redraws) : redraws_(redraws) {}
  void progress(std::string_view label, uint64_t done, uint64_t total) override {
    progress_seen = std::string(label) + " " + std::to_string(done) + "/" + std::to_string(total);
  }
  void activity(std::string_view text) override { activity_seen = text; }
  bool redraws() const override { return redraws_; }
  std::string progress_seen, activity_seen;

 private:
  bool redraws_;
};

}  // namespace

TEST_CASE("a request crosses the seam and comes back byte for byte, UTF-8 or not") {
  use_test_modules();
  std::string bytes("caf\xc3\xa9 \xff\xfe and a NUL \0 inside", 27);
  nlohmann::json request = {{"path", bytes}, {"n", 42}, {"list", {1, 2, 3}}};
  CollectingReporter reporter;
  CHECK(call_module(kEcho, "echo", request, reporter) == request);
}

TEST_CASE("an Error thrown in a module is thrown at the caller with its kind, place and hint") {
  use_test_modules();
  try {
    call_module(kEcho, "fail", {{"message", "bad cell option"}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Document);
    CHECK(e.message() == "bad cell option");
    CHECK(e.loc().str() == "paper.md:12:3");
    CHECK(e.hint() == "a hint");
  }
}

TEST_CASE("any other exception in a module is an Internal error, and the process goes on") {
  use_test_modules();
  try {
    call_module(kEcho, "crash", nullptr);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Internal);
    CHECK(e.message().find("not an Error") != std::string::npos);
  }
}

TEST_CASE("a verb the module lacks is an error naming it") {
  use_test_modules();
  CHECK_THROWS_WITH(call_module(kEcho, "frobnicate", nullptr), Catch::Contains("no verb `frobnicate`"));
}

TEST_CASE("the caller's reporter hears the module's diagnostics, statuses, progress and activity") {
  use_test_modules();
  for (bool redraws : {false, true}) {
    RecordingReporter reporter(redraws);
    CHECK(call_module(kEcho, "report", nullptr, reporter) == redraws);
    REQUIRE(reporter.diagnostics.size() == 1);
    CHECK(reporter.diagnostics[0].severity == Severity::Warning);
    CHECK(reporter.diagnostics[0].message == "a warning");
    CHECK(reporter.diagnostics[0].loc.str() == "paper.md:4:1");
    CHECK(reporter.diagnostics[0].hint == "fix it");
    CHECK(reporter.statuses == std::vector<std::string>{"a status"});
    CHECK(reporter.progress_seen == "layer 5/10");
    CHECK(reporter.activity_seen == "[1/2] RUN make");
  }
}

TEST_CASE("a module of another ABI is refused before any call") {
  use_test_modules();
  try {
    call_module(ModuleId{"echo", "waybill_echo_module", 8}, "echo", nullptr);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Environment);
    CHECK(e.message().find("from another build of waybill (its ABI is 7, this binary's 8)") != std::string::npos);
  }
}
