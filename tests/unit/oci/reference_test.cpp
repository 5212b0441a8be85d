#include <catch2/catch.hpp>

#include "oci/reference.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;

TEST_CASE("references are normalised as Docker does") {
  struct Case {
    const char* in;
    const char* full;
    const char* familiar;
  } cases[] = {
      {"debian", "docker.io/library/debian:latest", "debian:latest"},
      {"debian:bookworm", "docker.io/library/debian:bookworm", "debian:bookworm"},
      {"rocker/r-ver:4.3", "docker.io/rocker/r-ver:4.3", "rocker/r-ver:4.3"},
      {"docker.io/library/python:3.12", "docker.io/library/python:3.12", "python:3.12"},
      {"localhost/paper", "localhost/paper:latest", "localhost/paper:latest"},
      {"localhost:5000/team/tool:1.2", "localhost:5000/team/tool:1.2", "localhost:5000/team/tool:1.2"},
      {"127.0.0.1:5000/base", "127.0.0.1:5000/base:latest", "127.0.0.1:5000/base:latest"},
      {"ghcr.io/org/sub/name:v1.0-rc.1", "ghcr.io/org/sub/name:v1.0-rc.1", "ghcr.io/org/sub/name:v1.0-rc.1"},
      {"a__b/c-d.e_f", "docker.io/a__b/c-d.e_f:latest", "a__b/c-d.e_f:latest"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    ImageRef r = ImageRef::parse(c.in);
    CHECK(r.full() == c.full);
    CHECK(r.familiar() == c.familiar);
  }
}

TEST_CASE("a digest reference keeps its digest and needs no tag") {
  std::string d = "sha256:" + std::string(64, 'b');
  ImageRef r = ImageRef::parse("debian@" + d);
  CHECK(r.tag.empty());
  REQUIRE(r.digest);
  CHECK(r.full() == "docker.io/library/debian@" + d);
  ImageRef both = ImageRef::parse("registry.example/x:1@" + d);
  CHECK(both.tag == "1");
  CHECK(both.registry == "registry.example");
}

TEST_CASE("invalid references say what is wrong") {
  for (const char* bad : {"", "Debian", "debian:", "debian:bad tag", "a//b", "-lead", "trail-", "a:b:c",
                          "name@sha256:short", "bad_host.example.com/x", "x:" }) {
    INFO(bad);
    std::string why;
    CHECK_FALSE(ImageRef::try_parse(bad, &why));
    CHECK_FALSE(why.empty());
  }
  try {
    ImageRef::parse("Debian");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.message() == "invalid image reference `Debian`: the repository name must be lower case");
  }
}
