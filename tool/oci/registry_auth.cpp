// Challenges, Basic credentials and Bearer tokens (see registry_auth.hpp).
#include "oci/registry_auth.hpp"

#include <nlohmann/json.hpp>

#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::oci {

namespace {

// RFC 7235 auth-params: key=value or key="quoted, with \" escapes", comma-separated.
std::map<std::string, std::string> parse_params(std::string_view s) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = to_lower(trim(s.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      ++i;
    } else {
      size_t end = s.find(',', i);
      value = std::string(trim(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end == std::string_view::npos ? s.size() : end;
    }
    out[key] = value;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) { return join(scopes, " "); }

}  // namespace

std::optional<Challenge> parse_challenge(const std::string& header) {
  std::string_view h = trim(header);
  size_t space = h.find(' ');
  Challenge c;
  c.scheme = to_lower(h.substr(0, space));
  if (c.scheme != "basic" && c.scheme != "bearer") return std::nullopt;
  if (space != std::string_view::npos) c.params = parse_params(h.substr(space + 1));
  if (c.scheme == "bearer" && !c.params.count("realm")) return std::nullopt;
  return c;
}

std::string RegistryAuth::header_for(const std::vector<std::string>& scopes) {
  if (challenge_.scheme == "basic") {
    if (!credential_) return {};
    return "Authorization: Basic " + base64_encode(credential_->username + ":" + credential_->password);
  }
  if (challenge_.scheme != "bearer") return {};
  std::string key = join_scopes(scopes);
  auto it = tokens_.find(key);
  if (it == tokens_.end() || it->second.expires <= std::chrono::steady_clock::now()) {
    std::string value = fetch_token(scopes);  // sets expiry_
    it = tokens_.insert_or_assign(key, Token{std::move(value), expiry_}).first;
  }
  return "Authorization: Bearer " + it->second.value;
}

bool RegistryAuth::take_challenge(const HttpResponse& unauthorized, bool had_authorization) {
  auto header = unauthorized.header("www-authenticate");
  auto c = header ? parse_challenge(*header) : std::nullopt;
  if (!c) return false;
  bool same = c->scheme == challenge_.scheme;
  challenge_ = *c;
  if (c->scheme == "bearer") {
    tokens_.clear();  // a cached token may have been revoked early: the retry fetches a new one
    return true;
  }
  // The same Basic credentials again would be refused again.
  return credential_.has_value() && !(had_authorization && same);
}

std::string RegistryAuth::fetch_token(const std::vector<std::string>& scopes) {
  std::string url = challenge_.params["realm"];
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (challenge_.params.count("service")) {
    url += sep + std::string("service=") + HttpClient::escape(challenge_.params["service"]);
    sep = '&';
  }
  for (const auto& s : scopes) {
    url += sep + std::string("scope=") + HttpClient::escape(s);
    sep = '&';
  }
  HttpRequest r;
  r.url = url;
  r.follow_redirects = true;
  if (credential_)
    r.headers.push_back("Authorization: Basic " + base64_encode(credential_->username + ":" + credential_->password));
  std::string realm_host = challenge_.params["realm"];
  if (auto p = realm_host.find("://"); p != std::string::npos) realm_host = realm_host.substr(p + 3);
  realm_host = realm_host.substr(0, realm_host.find('/'));
  // The realm's own CAs, and the registry's: a private registry's token service is
  // usually under the same private CA.
  RegistrySettings settings = config_.settings(realm_host);
  for (auto& ca : config_.settings(registry_).ca_files) settings.ca_files.push_back(ca);
  HttpClient http(TlsSettings{!settings.insecure, settings.ca_files});
  std::optional<TransportError> err;
  HttpResponse resp = http.perform(r, err);
  ++tokens_fetched_;
  if (err)
    throw Error(ErrorKind::Environment, "cannot get a token for " + registry_ + " from " + challenge_.params["realm"] + ": " +
                                            err->message, {}, "is the registry's token service up?");
  if (resp.status == 401 || resp.status == 403)
    throw Error(ErrorKind::Environment,
                "unauthorized: the token service of " + registry_ + " refused " +
                    (credential_ ? "the credentials of `" + credential_->username + "` (from " + credential_->file.string() + ")"
                                 : std::string("an anonymous request")),
                {}, "log in again: waybill login " + registry_);
  nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
  std::string token;
  if (resp.status == 200 && j.is_object()) {
    if (j.contains("token") && j["token"].is_string()) token = j["token"];
    else if (j.contains("access_token") && j["access_token"].is_string()) token = j["access_token"];
  }
  if (token.empty())
    throw Error(ErrorKind::Environment, "the token service of " + registry_ + " answered " + std::to_string(resp.status) +
                                            " without a token", {}, "check the registry's auth configuration");
  // The spec's default lifetime is 60 s; renew a little early.
  int64_t lifetime = j.contains("expires_in") && j["expires_in"].is_number_integer() ? j["expires_in"].get<int64_t>() : 60;
  expiry_ = std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(lifetime - 10, 1));
  return token;
}

}  // namespace waybill::oci
