// libcurl behind HttpClient. One easy handle is reset and reused for every request, so
// its connection cache keeps the TCP and TLS connection to a registry alive across the
// many small requests a pull or push makes.
#include "oci/http.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace waybill::oci {

namespace {

// Where Debian keeps the system's trusted CAs; extra CAs are added to these, not put instead.
constexpr const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
  int64_t read_pos = 0;
  bool too_big = false, sink_refused = false, read_failed = false;
};

bool success(long status) { return status >= 200 && status < 300; }

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response: after a redirect, or a 100 Continue
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers.emplace(to_lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->sink && success(status)) {
    if (!t->request->sink(status, data, n)) {
      t->sink_refused = true;
      return 0;
    }
    return n;
  }
  if (static_cast<int64_t>(t->response->body.size() + n) > t->request->max_body) {
    t->too_big = true;
    return 0;
  }
  t->response->body.append(data, n);
  return n;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  int64_t left = (r.upload_fd >= 0 ? r.upload_size : static_cast<int64_t>(r.body.size())) - t->read_pos;
  size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(size * count)));
  if (want == 0) return 0;
  if (r.upload_fd < 0) {
    std::copy_n(r.body.data() + t->read_pos, want, buffer);
    t->read_pos += static_cast<int64_t>(want);
    return want;
  }
  ssize_t got;
  do got = ::pread(r.upload_fd, buffer, want, r.upload_offset + t->read_pos);
  while (got < 0 && errno == EINTR);
  if (got <= 0) {
    t->read_failed = true;
    return CURL_READFUNC_ABORT;
  }
  t->read_pos += got;
  return static_cast<size_t>(got);
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t sent) {
  auto* t = static_cast<Transfer*>(user);
  if (sent > 0) t->request->upload_progress(static_cast<int64_t>(sent));
  return 0;
}

TransportError classify(CURLcode code, const char* detail, const Transfer& t) {
  TransportError e;
  e.message = *detail ? detail : curl_easy_strerror(code);
  if (t.too_big) e.message = "the answer is larger than " + std::to_string(t.request->max_body) + " bytes";
  if (t.read_failed) e.message = "reading the data to upload failed";
  switch (code) {
    case CURLE_COULDNT_CONNECT: e.refused = true; break;
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: e.unresolved = true; break;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_CIPHER: case CURLE_SSL_ISSUER_ERROR:
      e.tls = true;
      break;
    case CURLE_PARTIAL_FILE: case CURLE_RECV_ERROR: case CURLE_OPERATION_TIMEDOUT: case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
      e.partial = true;
      break;
    default: break;
  }
  return e;
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(TlsSettings tls) : handle_(std::make_unique<Handle>()), tls_(std::move(tls)) {
  global_init();
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw Error(ErrorKind::Environment, "libcurl could not start a transfer");
  if (!tls_.ca_files.empty()) {
    if (auto system = read_file_if_exists(kSystemBundle)) ca_blob_ = *system + "\n";
    for (const auto& f : tls_.ca_files) {
      auto pem = read_file_if_exists(f);
      if (!pem)
        throw Error(ErrorKind::Environment, "the CA certificate " + f + " does not exist", {},
                    "fix the `ca` list in the registries configuration (WAYBILL_REGISTRIES)");
      ca_blob_ += *pem + "\n";
    }
  }
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::perform(const HttpRequest& r, std::optional<TransportError>& error) {
  CURL* c = handle_->curl;
  curl_easy_reset(c);  // keeps the connection and TLS session caches
  HttpResponse response;
  Transfer t{c, &r, &response};
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  // A stalled transfer (under 1 kB/s for 60 s) fails and is retried or resumed.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "waybill");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (!tls_.verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!ca_blob_.empty()) {
    curl_blob blob{ca_blob_.data(), ca_blob_.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
  }

  curl_slist* headers = nullptr;
  for (const auto& h : r.headers) headers = curl_slist_append(headers, h.c_str());
  // No `Expect: 100-continue` round trip before each upload.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  int64_t upload = r.upload_fd >= 0 ? r.upload_size : static_cast<int64_t>(r.body.size());
  if (r.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(upload));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
  } else if (r.method == "PUT" || r.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    if (r.method == "PATCH") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (r.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }

  if (r.upload_progress) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  }

  CURLcode code = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) response.effective_url = effective;
  error.reset();
  if (code != CURLE_OK && !t.sink_refused) error = classify(code, detail, t);
  if (t.sink_refused) error = TransportError{"the transfer was stopped: the data is not what was asked for"};
  return response;
}

std::string HttpClient::escape(std::string_view text) {
  global_init();
  char* e = curl_escape(text.data(), static_cast<int>(text.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string resolve_url(const std::string& base, const std::string& location) {
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  auto scheme_end = base.find("://");
  size_t host_end = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string origin = host_end == std::string::npos ? base : base.substr(0, host_end);
  if (location.starts_with("/")) return origin + location;
  std::string path = base.substr(0, base.find('?'));
  return path.substr(0, path.rfind('/') + 1) + location;
}

}  // namespace waybill::oci
