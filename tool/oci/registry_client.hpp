#pragma once
// One registry (or one of its mirrors), spoken to through the OCI distribution API:
// manifests, blobs (download with resume, upload monolithic or in chunks, cross-
// repository mount), with authentication, retries with backoff and redirects. Every
// byte that comes in is checked against its digest before it is kept.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/digest.hpp"
#include "oci/http.hpp"
#include "oci/image_json.hpp"
#include "oci/registry_auth.hpp"
#include "oci/registry_config.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::oci {

class Store;

struct FetchedManifest {
  std::string media_type;
  std::string body;  // exactly as served: its digest is the image's identity
  Digest digest;
};

class RegistryClient {
 public:
  // `registry` is the name in references ("docker.io", "127.0.0.1:5000"); `host` where
  // to connect: the registry's endpoint or one of its mirrors.
  RegistryClient(std::string registry, std::string host, const RegistryConfig& config, std::optional<Credential> credential,
                 Reporter& reporter);
  ~RegistryClient();

  // GET /v2/ with authentication: checks that the registry is there and, when there
  // are credentials, that it accepts them (login).
  void check_access();

  // A manifest or index by tag or digest. Throws Error(Document) when it does not exist.
  FetchedManifest get_manifest(const std::string& repository, const std::string& reference);
  // Streams a blob into the store, resuming with Range after a broken transfer, and
  // refuses it unless its size and digest are the descriptor's.
  void fetch_blob(const std::string& repository, const Descriptor& blob, const Store& store);

  bool has_blob(const std::string& repository, const Digest& digest);
  // Asks the registry to link a blob it holds under `from` into `repository`; false
  // when it would not (the blob must then be uploaded).
  bool mount_blob(const std::string& repository, const Digest& digest, const std::string& from);
  // Uploads `size` bytes read from `fd`: one PUT when they fit in a chunk, else PATCH
  // chunks and a closing PUT.
  void upload_blob(const std::string& repository, const Digest& digest, int fd, int64_t size, const std::string& label);
  // PUT of a manifest (or index) under a tag or its digest; checks the digest the
  // registry computed.
  void put_manifest(const std::string& repository, const std::string& reference, const std::string& media_type,
                    const std::string& body, const Digest& digest);

  const std::string& host() const { return host_; }
  size_t tokens_fetched() const { return auth_.tokens_fetched(); }

 private:
  struct Call {
    HttpRequest request;
    std::vector<std::string> scopes;
    bool retry_transport = true;  // false for downloads, which resume instead
  };
  // Sends with authentication (answering one challenge) and retries; a transport
  // failure that retrying did not cure is thrown as Error(Environment).
  HttpResponse send(Call call, std::optional<TransportError>* transport = nullptr);
  std::string url(const std::string& path) const { return base_ + path; }
  [[noreturn]] void fail(const HttpResponse& r, const std::string& what);

  std::string registry_, host_, base_;
  RegistrySettings settings_;
  int64_t chunk_size_;
  HttpClient http_;
  RegistryAuth auth_;
  Reporter& reporter_;
};

// Scopes of the token protocol.
std::string pull_scope(const std::string& repository);
std::string push_scope(const std::string& repository);

}  // namespace waybill::oci
