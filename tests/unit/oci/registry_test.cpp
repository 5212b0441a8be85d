// The registry client's pure parts: challenges, the registries configuration,
// credentials files, URLs and the blob location cache. The protocol itself is tested
// against a real registry (tests/e2e/registry.py).
#include <sys/stat.h>

#include <cstdlib>

#include "oci/blob_locations.hpp"
#include "oci/credentials.hpp"
#include "oci/http.hpp"
#include "oci/registry_auth.hpp"
#include "oci/registry_config.hpp"
#include "oci/registry_ops.hpp"
#include "oci_test_util.hpp"
#include "unit/error_of.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::oci;
using namespace waybill::oci::test;

namespace {

// Sets an environment variable for one test, and puts it back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

using waybill::test::error_of;

}  // namespace

TEST_CASE("WWW-Authenticate challenges are parsed, quoted commas included") {
  auto c = parse_challenge(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  REQUIRE(c);
  CHECK(c->scheme == "bearer");
  CHECK(c->params["realm"] == "https://auth.example/token");
  CHECK(c->params["service"] == "registry.example");
  CHECK(c->params["scope"] == "repository:a/b:pull,push");
  auto basic = parse_challenge(R"(Basic realm="basic-realm")");
  REQUIRE(basic);
  CHECK(basic->scheme == "basic");
  CHECK(!parse_challenge("Negotiate abc"));
  CHECK(!parse_challenge("Bearer service=x"));  // a Bearer challenge needs a realm
  auto escaped = parse_challenge(R"(Basic realm="a \"quoted\" realm")");
  REQUIRE(escaped);
  CHECK(escaped->params["realm"] == "a \"quoted\" realm");
}

TEST_CASE("the registries configuration: mirrors, insecure, CAs relative to the file, chunk size") {
  RegistryConfig c = RegistryConfig::parse(R"({"registries": {"r.example:5000": {"ca": ["certs/ca.pem"],
      "mirrors": ["m.example"]}, "m.example": {"insecure": true}}, "chunk_size": 65536})", "/etc/w/registries.json");
  CHECK(c.chunk_size == 65536);
  RegistrySettings r = c.settings("r.example:5000");
  CHECK(!r.insecure);
  REQUIRE(r.ca_files.size() == 1);
  CHECK(r.ca_files[0] == "/etc/w/certs/ca.pem");
  CHECK(r.mirrors == std::vector<std::string>{"m.example"});
  CHECK(c.settings("m.example").insecure);
  CHECK(!c.settings("elsewhere").insecure);
}

TEST_CASE("a broken registries configuration is an error at its line and column") {
  Error e = error_of([] { RegistryConfig::parse("{\n  \"registries\": {\n    \"x\": {\"insecure\": tru}\n}", "r.json"); });
  CHECK(e.loc().file == "r.json");
  CHECK(e.loc().line == 3);
  CHECK(e.loc().col > 1);
  Error unknown = error_of([] { RegistryConfig::parse(R"({"registries": {"x": {"insecur": true}}})", "r.json"); });
  CHECK(unknown.message().find("registries.x.insecur") != std::string::npos);
  Error type = error_of([] { RegistryConfig::parse(R"({"registries": {"x": {"mirrors": 3}}})", "r.json"); });
  CHECK(type.message().find("list of strings") != std::string::npos);
  Error small = error_of([] { RegistryConfig::parse(R"({"chunk_size": 10})", "r.json"); });
  CHECK(small.message().find("chunk_size") != std::string::npos);
}

TEST_CASE("login writes an auth.json entry with mode 0600, found again, and logout removes it") {
  TempDir dir;
  std::string file = (dir.path() / "sub" / "auth.json").string();
  ScopedEnv home("HOME", dir.path().string());
  ScopedEnv auth("REGISTRY_AUTH_FILE", file);
  CHECK(login_file() == file);
  save_credential(file, "r.example:5000", "ann", "pa:ss");
  struct stat st{};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto c = find_credential("r.example:5000");
  REQUIRE(c);
  CHECK(c->username == "ann");
  CHECK(c->password == "pa:ss");  // only the first colon separates
  CHECK(c->file == file);
  CHECK(!find_credential("other.example"));
  save_credential(file, "other.example", "bob", "x");
  CHECK(remove_credential(file, "r.example:5000"));
  CHECK(!remove_credential(file, "r.example:5000"));
  CHECK(!find_credential("r.example:5000"));
  CHECK(find_credential("other.example"));
  CHECK(remove_all_credentials(file) == 1);
  CHECK(!find_credential("other.example"));
}

TEST_CASE("credentials are read from Docker's files, under Docker Hub's many names") {
  TempDir dir;
  ScopedEnv home("HOME", dir.path().string());
  ScopedEnv auth("REGISTRY_AUTH_FILE", (dir.path() / "none.json").string());
  ScopedEnv docker("DOCKER_CONFIG", (dir.path() / "docker").string());
  ScopedEnv xdg("XDG_RUNTIME_DIR", (dir.path() / "run").string());
  make_dirs(dir.path() / "docker");
  write_file_atomic(dir.path() / "docker" / "config.json",
                    R"({"auths": {"https://index.docker.io/v1/": {"auth": ")" + base64_encode("hub:secret") +
                        R"("}, "https://ghcr.io": {"auth": ")" + base64_encode("gh:tok") + R"("}}})");
  auto hub = find_credential("docker.io");
  REQUIRE(hub);
  CHECK(hub->username == "hub");
  auto gh = find_credential("ghcr.io");
  REQUIRE(gh);
  CHECK(gh->password == "tok");
  // The legacy ~/.dockercfg has no "auths" level.
  write_file_atomic(dir.path() / ".dockercfg", R"({"old.example": {"auth": ")" + base64_encode("o:p") + R"("}})");
  auto old = find_credential("old.example");
  REQUIRE(old);
  CHECK(old->username == "o");
  // An `auth` that is not base64 of user:password is an error naming the file.
  write_file_atomic(dir.path() / "docker" / "config.json", R"({"auths": {"bad.example": {"auth": "bm9jb2xvbg=="}}})");
  Error e = error_of([] { find_credential("bad.example"); });
  CHECK(e.message().find("config.json") != std::string::npos);
}

TEST_CASE("registry names as people type them after login") {
  CHECK(registry_host("https://ghcr.io/") == "ghcr.io");
  CHECK(registry_host("index.docker.io") == "docker.io");
  CHECK(registry_host("127.0.0.1:5000") == "127.0.0.1:5000");
  CHECK(registry_endpoint("docker.io") == "registry-1.docker.io");
  CHECK_THROWS_AS(registry_host("https://"), Error);
}

TEST_CASE("upload Locations resolve against the registry") {
  CHECK(resolve_url("https://r:5000/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u1?_state=x") ==
        "https://r:5000/v2/a/blobs/uploads/u1?_state=x");
  CHECK(resolve_url("https://r:5000/v2/", "https://other/x") == "https://other/x");
  CHECK(resolve_url("https://r:5000/v2/a/b?q=1", "c") == "https://r:5000/v2/a/c");
}

TEST_CASE("the blob location cache remembers repositories per registry, newest first") {
  TempStore t;
  Digest a = Digest::sha256_of("a"), b = Digest::sha256_of("b");
  BlobLocations(t.store).add("r:5000", "team/one", {a, b});
  BlobLocations(t.store).add("r:5000", "team/two", {a});
  BlobLocations(t.store).add("s:5000", "team/three", {b});
  BlobLocations fresh(t.store);
  CHECK(fresh.repositories("r:5000", a) == std::vector<std::string>{"team/two", "team/one"});
  CHECK(fresh.repositories("r:5000", b) == std::vector<std::string>{"team/one"});
  CHECK(fresh.repositories("s:5000", a).empty());
  // A damaged cache is an empty one, not an error.
  write_file_atomic(t.store.cache_dir() / "registry" / "blob-locations.json", "{not json");
  CHECK(BlobLocations(t.store).repositories("r:5000", a).empty());
}
