#pragma once
// HTTP for the registry client: one libcurl easy handle per HttpClient (so connections
// and TLS sessions are reused between requests to the same registry), with bodies
// streamed in and out. Only what the OCI distribution protocol needs.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::oci {

struct TlsSettings {
  bool verify = true;                 // false only for registries configured `insecure`
  std::vector<std::string> ca_files;  // extra CA certificates (PEM), trusted beside the system's
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;    // "Name: value"
  // A body: either text, or `upload_size` bytes read from `upload_fd` at `upload_offset`.
  std::string body;
  int upload_fd = -1;
  int64_t upload_offset = 0, upload_size = 0;
  // Streams a GET's body to this sink instead of keeping it; returning false aborts.
  // It is called only for a 2xx answer (an error's body is kept for its message), with
  // that status (a resumed download must tell 206 from 200).
  std::function<bool(long status, const char* data, size_t size)> sink;
  // Told the bytes uploaded so far, now and then (progress on a terminal).
  std::function<void(int64_t sent)> upload_progress;
  bool follow_redirects = false;
  int64_t max_body = 8 << 20;          // a body kept in memory may not be larger
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased; the last response's after redirects
  std::string body;                                 // when not streamed to a sink
  std::string effective_url;
  std::optional<std::string> header(const std::string& lower_name) const;
};

// A transfer that did not complete: no connection, a broken one, a TLS failure.
// `partial` is true when the server answered and the body was cut short, which a
// resumable download can continue with Range.
struct TransportError {
  std::string message;     // libcurl's, with its detail
  bool refused = false;    // nothing listening, or no route: retrying soon will not help much
  bool unresolved = false; // the host name does not resolve
  bool tls = false;        // TLS handshake or certificate failure
  bool partial = false;
};

class HttpClient {
 public:
  explicit HttpClient(TlsSettings tls);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // Performs the request. Returns the response for any HTTP status; a transfer that
  // failed comes back in `error` instead (and `response` holds what arrived).
  HttpResponse perform(const HttpRequest& request, std::optional<TransportError>& error);

  // Query-string escaping, for tokens' `scope` and uploads' `digest`.
  static std::string escape(std::string_view text);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  TlsSettings tls_;
  std::string ca_blob_;  // the system bundle and the extra CAs, as one PEM text
};

// "https://host/v2/x?y" → "https://host"; relative Locations are resolved against a base.
std::string resolve_url(const std::string& base, const std::string& location);

}  // namespace waybill::oci
