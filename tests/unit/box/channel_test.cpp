#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "box/channel.hpp"
#include "box/spec.hpp"
#include "util/fs.hpp"

using namespace waybill;
using namespace waybill::box;

TEST_CASE("records from the box's processes arrive whole and in order") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  UniqueFd r(fds[0]), w(fds[1]);
  send_record(w.get(), RecordType::Warning, 0, "overlay is not available");
  send_record(w.get(), RecordType::Error, kExitNotFound, "exec: \"x\": not found\x1e\x1f", "a hint");
  send_record(w.get(), RecordType::Status, 0x8b00, {});
  w.reset();
  ChildReport rep = parse_records(read_fd(r.get(), "pipe"));
  REQUIRE(rep.warnings == std::vector<std::string>{"overlay is not available"});
  REQUIRE(rep.error);
  CHECK(rep.error->exit_code == kExitNotFound);
  CHECK(rep.error->message == "exec: \"x\": not found  ");
  CHECK(rep.error->hint == "a hint");
  CHECK(rep.wait_status == 0x8b00);
}

TEST_CASE("a long message is cut to fit one atomic pipe write") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  UniqueFd r(fds[0]), w(fds[1]);
  send_record(w.get(), RecordType::Error, kExitStartFailed, std::string(100000, 'x'));
  w.reset();
  std::string data = read_fd(r.get(), "pipe");
  CHECK(data.size() < 4096);
  CHECK(parse_records(data).error->message.size() > 4000);
}
