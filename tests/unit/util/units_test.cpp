#include <catch2/catch.hpp>

#include "util/units.hpp"

using namespace waybill;
using namespace std::chrono_literals;

TEST_CASE("byte sizes in Docker's binary units") {
  CHECK(parse_byte_size("512m") == 512ull << 20);
  CHECK(parse_byte_size("2G") == 2ull << 30);
  CHECK(parse_byte_size("1.5g") == 3ull << 29);
  CHECK(parse_byte_size("64k") == 64ull << 10);
  CHECK(parse_byte_size("512MiB") == 512ull << 20);
  CHECK(parse_byte_size("100mb") == 100ull << 20);
  CHECK(parse_byte_size("1048576") == 1048576ull);
  CHECK_FALSE(parse_byte_size("lots"));
  CHECK_FALSE(parse_byte_size("12q"));
  CHECK_FALSE(parse_byte_size("-5m"));
  CHECK_FALSE(parse_byte_size(""));
}

TEST_CASE("durations") {
  CHECK(parse_duration("30s") == 30000ms);
  CHECK(parse_duration("1.5m") == 90000ms);
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2h") == 7200000ms);
  CHECK(parse_duration("10") == 10000ms);
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("5d"));
}
