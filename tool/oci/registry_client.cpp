// The OCI distribution API over HttpClient (see registry_client.hpp).
#include "oci/registry_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "oci/store.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::oci {

namespace {

constexpr int kAttempts = 4;
constexpr int64_t kMaxManifest = 4 << 20;  // the distribution spec's limit for manifests
constexpr const char* kAccept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

void backoff(int attempt) { std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(attempt, 4))); }

// The registry's own words: {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "..."}]}.
std::string registry_message(const HttpResponse& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  std::vector<std::string> parts;
  if (j.is_object() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_object())
        parts.push_back(e.value("code", std::string("?")) + ": " + e.value("message", std::string()));
  return join(parts, "; ");
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

Error transport_failure(const TransportError& e, const std::string& host) {
  if (e.refused)
    return Error(ErrorKind::Environment, "cannot connect to " + host + ": " + e.message, {},
                 "is the registry running at that address? Mirrors and addresses are set in the registries configuration");
  if (e.unresolved)
    return Error(ErrorKind::Environment, "cannot connect to " + host + ": the name does not resolve (" + e.message + ")", {},
                 "check the name and the network; offline, use images in the store or the manifest's `bases`");
  if (e.tls)
    return Error(ErrorKind::Environment, "TLS with " + host + " failed: " + e.message, {},
                 "trust the registry's CA (`ca` in the registries configuration, or /etc/containers/certs.d/" + host +
                     "/ca.crt); mark it `insecure` only on a network you trust");
  return Error(ErrorKind::Environment, "the connection to " + host + " failed: " + e.message, {},
               "the transfer was retried; try again later");
}

}  // namespace

std::string pull_scope(const std::string& repository) { return "repository:" + repository + ":pull"; }
std::string push_scope(const std::string& repository) { return "repository:" + repository + ":pull,push"; }

RegistryClient::RegistryClient(std::string registry, std::string host, const RegistryConfig& config,
                               std::optional<Credential> credential, Reporter& reporter)
    : registry_(std::move(registry)),
      host_(std::move(host)),
      base_("https://" + registry_endpoint(host_)),
      settings_(config.settings(host_)),
      chunk_size_(config.chunk_size),
      http_(TlsSettings{!settings_.insecure, settings_.ca_files}),
      auth_(registry_, std::move(credential), config),
      reporter_(reporter) {}

RegistryClient::~RegistryClient() = default;

HttpResponse RegistryClient::send(Call call, std::optional<TransportError>* transport) {
  const size_t fixed_headers = call.request.headers.size();
  bool challenged = false;
  for (int attempt = 0;;) {
    call.request.headers.resize(fixed_headers);
    std::string authorization = auth_.header_for(call.scopes);
    if (!authorization.empty()) call.request.headers.push_back(authorization);
    std::optional<TransportError> err;
    HttpResponse r = http_.perform(call.request, err);
    if (err) {
      // An insecure registry may speak plain HTTP: TLS to it fails at once.
      if (err->tls && settings_.insecure && base_.starts_with("https://")) {
        base_ = "http://" + base_.substr(8);
        if (call.request.url.starts_with("https://" + registry_endpoint(host_)))
          call.request.url = "http://" + call.request.url.substr(8);
        continue;
      }
      if (!call.retry_transport && transport) {
        *transport = err;
        return r;
      }
      if (err->unresolved || err->tls || ++attempt >= kAttempts) throw transport_failure(*err, host_);
      backoff(attempt);
      continue;
    }
    if (r.status == 401 && !challenged) {
      challenged = true;
      if (auth_.take_challenge(r, !authorization.empty())) continue;
      return r;
    }
    if ((r.status == 429 || r.status >= 500) && ++attempt < kAttempts) {
      backoff(attempt);
      continue;
    }
    return r;
  }
}

void RegistryClient::fail(const HttpResponse& r, const std::string& what) {
  std::string said = registry_message(r);
  std::string detail = said.empty() ? "" : " (" + said + ")";
  const auto& cred = auth_.credential();
  if (r.status == 401)
    throw Error(ErrorKind::Environment,
                "unauthorized: " + host_ + " refused " +
                    (cred ? "the credentials of `" + cred->username + "` (from " + cred->file.string() + ")"
                          : std::string("anonymous access")) + " for " + what + detail,
                {}, cred ? "check the user and password: waybill login " + registry_ : "log in first: waybill login " + registry_);
  if (r.status == 403)
    throw Error(ErrorKind::Environment, "denied: " + host_ + " does not allow this for " + what + detail, {},
                "the account lacks the permission, or the repository belongs to someone else");
  if (r.status == 404)
    throw Error(ErrorKind::Document, what + ": not found on " + host_ + detail, {},
                "check the repository and tag (they are case-sensitive)");
  throw Error(ErrorKind::Environment, what + ": " + host_ + " answered HTTP " + std::to_string(r.status) + detail, {},
              "try again; if it persists, the registry's log says more");
}

void RegistryClient::check_access() {
  Call c;
  c.request.url = url("/v2/");
  HttpResponse r = send(c);
  if (r.status == 200) return;
  if (r.status == 404)
    throw Error(ErrorKind::Environment, host_ + " does not speak the registry API (GET /v2/ gave 404)", {},
                "check the address: a registry serves /v2/");
  fail(r, "its API");
}

FetchedManifest RegistryClient::get_manifest(const std::string& repository, const std::string& reference) {
  Call c;
  c.request.url = url("/v2/" + repository + "/manifests/" + reference);
  c.request.headers.push_back(kAccept);
  c.request.max_body = kMaxManifest;
  c.scopes = {pull_scope(repository)};
  HttpResponse r = send(c);
  std::string what = registry_ + "/" + repository + (reference.starts_with("sha256:") ? "@" : ":") + reference;
  if (r.status != 200) fail(r, what);
  FetchedManifest m;
  m.body = std::move(r.body);
  m.digest = Digest::sha256_of(m.body);
  std::string content_type = r.header("content-type").value_or("");
  std::string type(trim(std::string_view(content_type).substr(0, content_type.find(';'))));
  m.media_type = is_manifest_type(type) || is_index_type(type) ? type : sniff_media_type(m.body);
  auto expected = Digest::try_parse(reference);
  if (!expected)
    if (auto header = r.header("docker-content-digest"); header && header->starts_with("sha256:")) expected = Digest::try_parse(*header);
  if (expected && !(*expected == m.digest))
    throw Error(ErrorKind::Document,
                what + ": the manifest from " + host_ + " does not match its digest: expected " + expected->str() + ", got " +
                    m.digest.str(), {}, "something between waybill and the registry changed it; nothing was stored");
  return m;
}

bool RegistryClient::has_blob(const std::string& repository, const Digest& digest) {
  Call c;
  c.request.method = "HEAD";
  c.request.url = url("/v2/" + repository + "/blobs/" + digest.str());
  c.scopes = {push_scope(repository)};
  HttpResponse r = send(c);
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  fail(r, registry_ + "/" + repository + " blob " + digest.short_id());
}

void RegistryClient::fetch_blob(const std::string& repository, const Descriptor& blob, const Store& store) {
  if (store.has_blob(blob.digest)) return;
  // A blob that is not what its descriptor says: nothing of it is kept.
  auto refuse = [&](const std::string& why) {
    return Error(ErrorKind::Document, "blob " + blob.digest.str() + " from " + host_ + "/" + repository + ": " + why, {},
                 "nothing was stored. Something between waybill and the registry (a proxy, a mirror) altered the "
                 "data, or the registry's copy is damaged");
  };
  auto writer = std::make_unique<BlobWriter>(store);
  int64_t have = 0;
  int failures = 0;
  const std::string label = blob.digest.short_id() + " " + format_bytes(blob.size);
  for (;;) {
    const int64_t start = have;
    bool first = true;
    std::string refused;
    Call c;
    c.request.url = url("/v2/" + repository + "/blobs/" + blob.digest.str());
    c.request.follow_redirects = true;
    if (start > 0) c.request.headers.push_back("Range: bytes=" + std::to_string(start) + "-");
    c.scopes = {pull_scope(repository)};
    c.retry_transport = false;
    c.request.sink = [&](long status, const char* data, size_t n) {
      if (first && status == 200 && have > 0) {  // the server ignored Range: start over
        writer = std::make_unique<BlobWriter>(store);
        have = 0;
      }
      first = false;
      if (have + static_cast<int64_t>(n) > blob.size) {
        refused = "the registry sent more than the " + std::to_string(blob.size) + " bytes its descriptor says";
        return false;
      }
      writer->write(data, n);
      have += static_cast<int64_t>(n);
      reporter_.progress(label, static_cast<uint64_t>(have), static_cast<uint64_t>(blob.size));
      return true;
    };
    std::optional<TransportError> err;
    HttpResponse r = send(c, &err);
    if (!refused.empty()) throw refuse(refused);
    if (err) {
      // A transfer that got somewhere resumes at once; one that did not counts as a failure.
      if (have > start) failures = 0;
      else if (++failures >= kAttempts) throw transport_failure(*err, host_);
      reporter_.status("blob " + blob.digest.short_id() + ": the transfer broke after " + format_bytes(have) + " of " +
                       format_bytes(blob.size) + " (" + err->message + "); resuming");
      if (have == start) backoff(failures);
      continue;
    }
    if (r.status == 416 && have > 0) {  // Range not satisfiable: start over
      writer = std::make_unique<BlobWriter>(store);
      have = 0;
      continue;
    }
    if (r.status != 200 && r.status != 206) fail(r, registry_ + "/" + repository + " blob " + blob.digest.str());
    break;
  }
  if (have != blob.size)
    throw refuse("it ended after " + std::to_string(have) + " bytes; its descriptor says " + std::to_string(blob.size));
  try {
    writer->commit(blob.digest);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Document) throw;  // a store that cannot write is not a corrupt blob
    throw refuse(e.message());
  }
}

bool RegistryClient::mount_blob(const std::string& repository, const Digest& digest, const std::string& from) {
  Call c;
  c.request.method = "POST";
  c.request.url = url("/v2/" + repository + "/blobs/uploads/?mount=" + HttpClient::escape(digest.str()) +
                      "&from=" + HttpClient::escape(from));
  c.scopes = {push_scope(repository), pull_scope(from)};
  HttpResponse r = send(c);
  if (r.status == 201) return true;
  if (r.status == 202) {  // it opened an upload instead; close it rather than leave it to expire
    if (auto location = r.header("location")) {
      Call del;
      del.request.method = "DELETE";
      del.request.url = resolve_url(base_, *location);
      del.scopes = {push_scope(repository)};
      send(del);
    }
    return false;
  }
  if (r.status == 401 || r.status == 403 || r.status == 404) return false;
  fail(r, "mounting blob " + digest.short_id() + " into " + registry_ + "/" + repository);
}

void RegistryClient::upload_blob(const std::string& repository, const Digest& digest, int fd, int64_t size,
                                 const std::string& label) {
  const std::string what = registry_ + "/" + repository + " blob " + digest.short_id();
  Call start;
  start.request.method = "POST";
  start.request.url = url("/v2/" + repository + "/blobs/uploads/");
  start.scopes = {push_scope(repository)};
  HttpResponse r = send(start);
  auto location = r.header("location");
  if (r.status != 202 || !location) fail(r, what);
  std::string at = resolve_url(base_, *location);
  auto chunk = [&](const std::string& method, const std::string& to, int64_t offset, int64_t n) {
    Call c;
    c.request.method = method;
    c.request.url = to;
    c.request.upload_fd = fd;
    c.request.upload_offset = offset;
    c.request.upload_size = n;
    c.request.headers.push_back("Content-Type: application/octet-stream");
    if (method == "PATCH" && n > 0)
      c.request.headers.push_back("Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + n - 1));
    c.request.upload_progress = [&, offset](int64_t sent) {
      reporter_.progress(label, static_cast<uint64_t>(offset + sent), static_cast<uint64_t>(size));
    };
    c.scopes = {push_scope(repository)};
    return send(c);
  };
  const std::string digest_query = "digest=" + HttpClient::escape(digest.str());
  if (size <= chunk_size_) {
    r = chunk("PUT", with_query(at, digest_query), 0, size);
  } else {
    for (int64_t offset = 0; offset < size; offset += chunk_size_) {
      r = chunk("PATCH", at, offset, std::min(chunk_size_, size - offset));
      location = r.header("location");
      if (r.status != 202 || !location) fail(r, what + " (chunk at " + std::to_string(offset) + ")");
      at = resolve_url(base_, *location);
    }
    r = chunk("PUT", with_query(at, digest_query), size, 0);
  }
  if (r.status != 201) fail(r, what);
  reporter_.progress(label, static_cast<uint64_t>(size), static_cast<uint64_t>(size));
}

void RegistryClient::put_manifest(const std::string& repository, const std::string& reference, const std::string& media_type,
                                  const std::string& body, const Digest& digest) {
  Call c;
  c.request.method = "PUT";
  c.request.url = url("/v2/" + repository + "/manifests/" + reference);
  c.request.body = body;
  c.request.headers.push_back("Content-Type: " + media_type);
  c.scopes = {push_scope(repository)};
  HttpResponse r = send(c);
  std::string what = registry_ + "/" + repository + ":" + reference;
  if (r.status != 201) fail(r, what);
  if (auto said = r.header("docker-content-digest"); said && *said != digest.str())
    throw Error(ErrorKind::Environment, what + ": the registry stored the manifest as " + *said + ", not " + digest.str(), {},
                "the registry rewrote the manifest; pull it by tag to see what it holds");
}

}  // namespace waybill::oci
