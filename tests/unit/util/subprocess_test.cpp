#include <catch2/catch.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"

using namespace waybill;

TEST_CASE("run_process captures output, exit code and signal") {
  ProcessResult ok = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(ok.exit_code == 3);
  CHECK(ok.output.find("out") != std::string::npos);
  CHECK(ok.output.find("err") != std::string::npos);
  ProcessResult killed = run_process({"sh", "-c", "kill -TERM $$"});
  CHECK(killed.signal == 15);
  CHECK_FALSE(killed.ok());
}

TEST_CASE("run_process honours cwd, extra environment and a timeout") {
  TempDir dir;
  ProcessOptions o;
  o.cwd = dir.path();
  o.extra_env = {"WAYBILL_TEST_VAR=42"};
  ProcessResult r = run_process({"sh", "-c", "pwd; echo $WAYBILL_TEST_VAR"}, o);
  CHECK(r.output == dir.path().string() + "\n42\n");
  ProcessOptions t;
  t.timeout = std::chrono::milliseconds(200);
  ProcessResult slow = run_process({"sh", "-c", "sleep 5"}, t);
  CHECK(slow.timed_out);
}

TEST_CASE("the child inherits no file descriptors but stdio") {
  ProcessResult r = run_process({"sh", "-c", "ls /proc/self/fd | wc -l"});
  // stdin, stdout, stderr, and the fd ls uses to read the directory.
  CHECK(std::stoi(r.output) <= 4);
}

TEST_CASE("a missing program is an environment error with a hint") {
  try {
    run_process({"waybill-no-such-program"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Environment);
    CHECK(e.hint().find("install") != std::string::npos);
  }
  CHECK(program_exists("sh"));
  CHECK_FALSE(program_exists("waybill-no-such-program"));
}
