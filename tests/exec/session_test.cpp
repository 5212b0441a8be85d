// Python and bash sessions in a real box (root only): state across cells, errors, an interrupted
// cell, no network, a read-only document mount. Driven by tests/e2e/exec_session.sh.
//   session_test IMAGE DOCDIR     (WAYBILL_HOME names the store)
#include <cstdio>
#include <iostream>

#include "box/image_box.hpp"
#include "exec/session.hpp"
#include "oci/store.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

using namespace waybill;
using nlohmann::json;

namespace {

int failures = 0;

void check(const std::string& name, bool ok, const json& detail) {
  std::cout << (ok ? "ok: " : "FAIL: ") << name << (ok ? "" : "\n  " + detail.dump()) << "\n";
  if (!ok) ++failures;
}

std::string stdout_of(const json& reply) {
  std::string out;
  for (const auto& o : reply["outputs"])
    if (o["type"] == "stream" && o["name"] == "stdout") out += o["text"].get<std::string>();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: session_test IMAGE DOCDIR\n";
    return 2;
  }
  CollectingReporter reporter;
  try {
    oci::Store store = oci::Store::open();
    FileLock gc = store.gc_lock(FileLock::Mode::Shared);
    box::RunOptions options;
    options.image = argv[1];
    options.command = {"python3", "-u", "-c", exec::python_driver_source()};
    options.volumes = {std::string(argv[2]) + ":/doc:ro"};
    options.workdir = "/doc";
    exec::Session session = exec::Session::start(box::image_box_spec(store, options, reporter), reporter);
    auto cell = [&](const std::string& code, int line = 1, int timeout_ms = 0) {
      return session.request(json{{"id", line}, {"code", code}, {"file", "doc.md"}, {"first_line", line}},
                             std::chrono::milliseconds(timeout_ms));
    };
    json r = cell("x = 41\n");
    check("a first cell", r["error"].is_null(), r);
    r = cell("print(x + 1)\n");
    check("state persists across cells in the box", stdout_of(r) == "42\n", r);
    r = cell("import os\nprint(os.getcwd(), sorted(os.listdir('.')))\n");
    check("the working directory is the document's, at /doc", stdout_of(r).rfind("/doc ['doc.md']", 0) == 0, r);
    r = cell("open('/doc/new.txt', 'w')\n", 30);
    check("writing to /doc is refused", !r["error"].is_null() && r["error"]["line"] == 30, r);
    r = cell("import socket\nsocket.create_connection(('deb.debian.org', 80), timeout=3)\n", 40);
    check("a cell has no network", !r["error"].is_null(), r);
    r = cell("import time\ntime.sleep(60)\n", 50, 1000);
    check("a cell past its timeout is interrupted, and reports it",
          !r["error"].is_null() && r["error"]["ename"] == "KeyboardInterrupt" && session.timed_out(), r);
    r = cell("print('after', x)\n");
    check("the session survives the interrupt", stdout_of(r) == "after 41\n", r);
    check("the next cell is not reported as timed out", !session.timed_out(), r);
    box::BoxOutcome end = session.close(reporter);
    check("the session ends when its input does", end.status.code == 0, json{{"code", end.status.code}});

    options.command = {"bash", "-c", exec::shell_driver_source()};
    exec::Session shell =
        exec::Session::start(box::image_box_spec(store, options, reporter), reporter, exec::Protocol::Shell);
    auto sh = [&](const std::string& code, int line = 1) {
      return shell.request(json{{"id", line}, {"code", code}, {"first_line", line}}, std::chrono::milliseconds(0));
    };
    r = sh("greeting=hello\ncd /tmp\nf() { echo \"f says $1\"; }\n");
    check("a bash cell", r["error"].is_null() && r["outputs"].empty(), r);
    r = sh("echo \"$greeting from $(pwd)\"\nf twice\necho oops >&2\n");
    check("bash keeps variables, functions and the working directory",
          stdout_of(r) == "hello from /tmp\nf says twice\n" && r["outputs"].size() == 2 &&
              r["outputs"][1]["text"] == "oops\n", r);
    r = sh("false\n", 60);
    check("a failing bash cell reports its status at its line",
          r["error"]["evalue"] == "1" && r["error"]["line"] == 60, r);
    r = sh("printf 'no newline'");
    check("output without a final newline comes through whole", stdout_of(r) == "no newline", r);
    end = shell.close(reporter);
    check("the bash session ends when its input does", end.status.code == 0, json{{"code", end.status.code}});
  } catch (const Error& e) {
    std::cout << "FAIL: " << e.loc().str() << " " << e.message() << "\n";
    return 1;
  }
  return failures ? 1 : 0;
}
