#include <catch2/catch.hpp>

#include "oci/digest.hpp"
#include "oci/sha256.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;

TEST_CASE("sha256 of known inputs (OpenSSL)") {
  CHECK(Digest::sha256_of("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Digest::sha256_of("abc").str() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update("a");
  h.update("bc");
  CHECK(h.bytes() == 3);
  CHECK(h.finish() == Digest::sha256_of("abc"));
}

TEST_CASE("valid digests") {
  std::string hex64(64, 'a');
  Digest d = Digest::parse("sha256:" + hex64);
  CHECK(d.algorithm() == "sha256");
  CHECK(d.hex() == hex64);
  CHECK(d.short_id() == std::string(12, 'a'));
  CHECK(Digest::try_parse("sha512:" + std::string(128, '0')));
}

TEST_CASE("invalid digests are refused before any use as a file name") {
  std::string hex64(64, 'a');
  for (const std::string& bad :
       {std::string("sha256"), "sha256:" + std::string(63, 'a'), "sha256:" + std::string(65, 'a'),
        "sha256:" + std::string(64, 'A'), "sha256:../../../../etc/passwd" + std::string(36, 'a'),
        "SHA256:" + hex64, "md5:" + hex64, ":" + hex64, "sha256+:" + hex64, "sha256:" + std::string(62, 'a') + "/x",
        std::string("sha256:") + std::string(63, 'a') + "g"}) {
    INFO(bad);
    std::string why;
    CHECK_FALSE(Digest::try_parse(bad, &why));
    CHECK_FALSE(why.empty());
  }
  CHECK_THROWS_AS(Digest::parse("nonsense"), Error);
}
