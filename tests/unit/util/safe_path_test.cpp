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

TEST_CASE("unsafe_name_reason refuses every name that could lead a path astray") {
  CHECK(unsafe_name_reason("figure-1.png").empty());
  CHECK(unsafe_name_reason("résumé.csv").empty());
  CHECK(unsafe_name_reason("sub/data.csv", 2).empty());
  for (std::string bad : {std::string(""), std::string("/etc/cron.d/x"), std::string("../x"), std::string(".."),
                          std::string("."), std::string("a/b"), std::string("a\\b"), std::string("a\nb"),
                          std::string("a\x1b[2Jb"), std::string("a\0b", 3), std::string("\xff\xfe"),
                          std::string(256, 'a')}) {
    INFO(bad);
    CHECK_FALSE(unsafe_name_reason(bad).empty());
  }
  CHECK_FALSE(unsafe_name_reason("a//b", 4).empty());
  CHECK_FALSE(unsafe_name_reason("a/b/", 4).empty());
  CHECK_FALSE(unsafe_name_reason("a/../../b", 4).empty());
  CHECK_FALSE(unsafe_name_reason("a/b/c", 2).empty());
  CHECK_FALSE(unsafe_name_reason(std::string(2000, 'a') , 1, 1024).empty());
}

TEST_CASE("write_file_beneath writes inside its root and never follows a link") {
  Tree t;
  write_file_beneath(t.root, "new/deeper/file.txt", "made");
  CHECK(read_file(t.root / "new" / "deeper" / "file.txt") == "made");
  // A link on the way, or in place of the file, is not followed.
  fs::create_symlink(t.outside.path(), t.root / "planted");
  CHECK_THROWS_AS(write_file_beneath(t.root, "planted/secret.txt", "x"), Error);
  CHECK(read_file(t.outside.path() / "secret.txt") == "outside");
  write_file_beneath(t.root, "link-out", "replaced");  // the link itself is replaced
  CHECK(fs::is_regular_file(fs::symlink_status(t.root / "link-out")));
  CHECK(read_file(t.outside.path() / "secret.txt") == "outside");
  for (const char* bad : {"../secret.txt", "/tmp/x", "sub/../../secret.txt", "a\nb"}) {
    INFO(bad);
    CHECK_THROWS_AS(write_file_beneath(t.root, bad, "x"), Error);
  }
  CHECK(read_file(t.outside.path() / "secret.txt") == "outside");
}
