#pragma once
// Registry authentication (OCI distribution spec, and Docker's token protocol): a
// request goes out without credentials, a 401's `WWW-Authenticate` challenge says
// Basic or Bearer, and from then on every request to that registry carries either the
// Basic credentials or a Bearer token fetched from the challenge's realm for the
// request's scope ("repository:library/debian:pull"). Tokens are cached per scope
// until they expire.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/credentials.hpp"
#include "oci/http.hpp"
#include "oci/registry_config.hpp"

namespace waybill::oci {

struct Challenge {
  std::string scheme;                         // "basic" or "bearer", lower-cased
  std::map<std::string, std::string> params;  // realm, service, scope, error
};

// Parses a WWW-Authenticate value; nullopt when it is not one we understand.
std::optional<Challenge> parse_challenge(const std::string& header);

class RegistryAuth {
 public:
  // `config` gives the TLS settings of the token service's host, which may differ from
  // the registry's.
  RegistryAuth(std::string registry, std::optional<Credential> credential, const RegistryConfig& config)
      : registry_(std::move(registry)), credential_(std::move(credential)), config_(config) {}

  // The Authorization header for a request needing `scopes`, or empty before any
  // challenge (the first request goes out anonymously, as clients do).
  std::string header_for(const std::vector<std::string>& scopes);
  // Takes a 401's challenge. Returns whether to retry (the caller answers one challenge
  // per request): not when Basic credentials were refused or there are none.
  bool take_challenge(const HttpResponse& unauthorized, bool had_authorization);

  const std::optional<Credential>& credential() const { return credential_; }
  const std::string& scheme() const { return challenge_.scheme; }
  size_t tokens_fetched() const { return tokens_fetched_; }

 private:
  std::string fetch_token(const std::vector<std::string>& scopes);

  std::string registry_;
  std::optional<Credential> credential_;
  const RegistryConfig& config_;
  Challenge challenge_;
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Token> tokens_;  // by the scopes joined with spaces
  std::chrono::steady_clock::time_point expiry_;  // of the token fetch_token last got
  size_t tokens_fetched_ = 0;
};

}  // namespace waybill::oci
