#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/safe_path.hpp"

using namespace waybill;

namespace {
struct Tree {
  TempDir outside;
  fs::path root = outside.path() / "root";
  Tree() {
    make_dirs(root / "sub");
    write_file_atomic(root / "sub" / "ok.txt", "inside");
    write_file_atomic(outside.path() / "secret.txt", "outside");
    fs::create_symlink("../secret.txt", root / "link-out");
    fs::create_symlink("/etc/passwd", root / "abs-link");
    fs::create_symlink("sub/ok.txt", root / "link-in");
    fs::create_symlink("..", root / "sub" / "up");
  }
};
}  // namespace

TEST_CASE("open_beneath opens paths inside the root") {
  Tree t;
  CHECK(read_file_beneath(t.root, "sub/ok.txt") == "inside");
  CHECK(read_file_beneath(t.root, "./sub/../sub/ok.txt") == "inside");
  CHECK(read_file_beneath(t.root, "link-in") == "inside");
}

TEST_CASE("open_beneath refuses every way out of the root") {
  Tree t;
  for (const char* path : {"../secret.txt", "/etc/passwd", "link-out", "abs-link", "sub/../../secret.txt",
                           "sub/up/../secret.txt"}) {
    INFO(path);
    BeneathResult r = open_beneath(t.root, path, O_RDONLY);
    CHECK_FALSE(r.fd);
    CHECK(r.error == BeneathError::Escapes);
  }
  CHECK_THROWS_AS(read_file_beneath(t.root, "link-out"), Error);
}

TEST_CASE("open_beneath reports a missing file as missing") {
  Tree t;
  BeneathResult r = open_beneath(t.root, "sub/nope.txt", O_RDONLY);
  CHECK(r.error == BeneathError::Missing);
}

TEST_CASE("opened files are close-on-exec") {
  Tree t;
  BeneathResult r = open_beneath(t.root, "sub/ok.txt", O_RDONLY);
  REQUIRE(r.fd);
  CHECK((::fcntl(r.fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
}
