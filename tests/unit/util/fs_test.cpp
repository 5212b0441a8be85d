#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "util/error.hpp"
#include "util/fs.hpp"

using namespace waybill;

TEST_CASE("write_file_atomic replaces the file and leaves no temporary behind") {
  TempDir dir;
  fs::path f = dir.path() / "out.txt";
  write_file_atomic(f, "one");
  write_file_atomic(f, "two", 0600);
  CHECK(read_file(f) == "two");
  struct stat st {};
  REQUIRE(::stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("write_file_atomic into a missing directory fails with the directory named") {
  TempDir dir;
  try {
    write_file_atomic(dir.path() / "missing" / "x.txt", "data");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.message().find("missing") != std::string::npos);
  }
}

TEST_CASE("read_file errors carry the path and errno text") {
  try {
    read_file("/no/such/file");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Io);
    CHECK(e.message() == "open `/no/such/file`: No such file or directory");
  }
  CHECK_FALSE(read_file_if_exists("/no/such/file").has_value());
}

TEST_CASE("TempDir removes its tree") {
  fs::path p;
  {
    TempDir dir;
    p = dir.path();
    make_dirs(p / "a" / "b");
    write_file_atomic(p / "a" / "b" / "c", "x");
  }
  CHECK_FALSE(fs::exists(p));
}
