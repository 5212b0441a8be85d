// Ed25519 keys and DSSE envelopes (prov/signing.hpp), and `verify` (prov/verify.hpp):
// a signature checks out with its own key only, and each kind of tampering is named.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <functional>

#include "plan/cache_key.hpp"
#include "prov/signing.hpp"
#include "prov/verify.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace waybill;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("DSSE's pre-authentication encoding is the spec's") {
  CHECK(prov::pae("application/vnd.in-toto+json", "{}") == "DSSEv1 28 application/vnd.in-toto+json 2 {}");
  CHECK(prov::pae("", "") == "DSSEv1 0  0 ");
}

TEST_CASE("a key pair signs, verifies, and refuses what was changed or signed by another") {
  TempDir dir("keys-");
  prov::KeyFiles a = prov::generate_key_pair(dir.path() / "a");
  prov::KeyFiles b = prov::generate_key_pair(dir.path() / "b");
  struct stat st{};
  REQUIRE(::stat(a.private_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(prov::key_id(a.private_key) == prov::key_id(a.public_key));
  CHECK(prov::key_id(a.public_key) != prov::key_id(b.public_key));
  CHECK(error_of([&] { prov::generate_key_pair(dir.path() / "a"); }).find("already exists") != std::string::npos);

  std::string payload = R"({"_type":"https://in-toto.io/Statement/v1"})";
  nlohmann::json env = prov::sign_envelope(payload, a.private_key);
  CHECK(prov::is_envelope(env));
  CHECK(env["payloadType"] == prov::kInTotoPayloadType);
  CHECK(prov::open_envelope(env, a.public_key) == payload);

  CHECK(error_of([&] { prov::open_envelope(env, b.public_key); }).find("signed by key " + prov::key_id(a.public_key)) !=
        std::string::npos);
  nlohmann::json changed = env;
  changed["payload"] = base64_encode(R"({"_type":"https://in-toto.io/Statement/v2"})");
  CHECK(error_of([&] { prov::open_envelope(changed, a.public_key); }).find("changed after signing") != std::string::npos);
  nlohmann::json retyped = env;
  retyped["payloadType"] = "text/plain";
  CHECK(error_of([&] { prov::open_envelope(retyped, a.public_key); }).find("changed after signing") != std::string::npos);
  CHECK(error_of([&] { prov::sign_envelope(payload, a.public_key); }).find("not a private key") != std::string::npos);
  std::ofstream(dir.path() / "junk.pem") << "not a key";
  CHECK(error_of([&] { prov::key_id(dir.path() / "junk.pem"); }).find("not a PEM key") != std::string::npos);
}

TEST_CASE("verify names a missing, truncated or changed output, and a truncated record") {
  TempDir dir("verify-");
  prov::KeyFiles k = prov::generate_key_pair(dir.path() / "k");
  write_file_atomic(dir.path() / "page.html", "<p>twelve bytes</p>");
  write_file_atomic(dir.path() / "fig.png", "PNGDATA");
  auto subject = [&](const std::string& name) {
    std::string data = read_file(dir.path() / name);
    return nlohmann::json{{"name", name},
                          {"digest", {{"sha256", plan::sha256_hex(data)}}},
                          {"annotations", {{"size", data.size()}}}};
  };
  nlohmann::json st = {{"_type", "https://in-toto.io/Statement/v1"},
                       {"subject", {subject("page.html"), subject("fig.png")}},
                       {"predicateType", "https://slsa.dev/provenance/v1"},
                       {"predicate", nlohmann::json::object()}};
  fs::path record = dir.path() / "page.provenance.json";
  write_file_atomic(record, prov::sign_envelope(st.dump(), k.private_key).dump(2));

  prov::VerifyRequest req{record, k.public_key, true};
  prov::VerifyReport ok = prov::verify_record(req);
  CHECK(ok.signed_record);
  CHECK(ok.subjects_checked == 2);

  write_file_atomic(dir.path() / "page.html", "<p>twelve bytez</p>");
  CHECK(error_of([&] { prov::verify_record(req); }).find("page.html: changed since the record was made") != std::string::npos);
  write_file_atomic(dir.path() / "page.html", "<p>twel");
  CHECK(error_of([&] { prov::verify_record(req); }).find("page.html: truncated") != std::string::npos);
  fs::remove(dir.path() / "fig.png");
  std::string both = error_of([&] { prov::verify_record(req); });
  CHECK(both.find("2 of 2 outputs") != std::string::npos);
  CHECK(both.find("fig.png: missing") != std::string::npos);

  std::string text = read_file(record);
  write_file_atomic(record, text.substr(0, text.size() / 2));
  CHECK(error_of([&] { prov::verify_record(req); }).find("truncated") != std::string::npos);

  write_file_atomic(record, st.dump());
  CHECK(error_of([&] { prov::verify_record(req); }).find("not signed") != std::string::npos);
  req.public_key.reset();
  req.outputs = false;
  CHECK(prov::verify_record(req).subjects == 2);

  // A subject may not name a file outside the record's directory.
  st["subject"] = {nlohmann::json{{"name", "../outside"}, {"digest", {{"sha256", std::string(64, '0')}}}}};
  write_file_atomic(record, st.dump());
  req.outputs = true;
  CHECK(error_of([&] { prov::verify_record(req); }).find("outside the record's directory") != std::string::npos);
}
