#pragma once
// Ed25519 keys and DSSE envelopes (https://github.com/secure-systems-lab/dsse): a signed
// record is the statement's JSON, base64 in `payload`, signed over the DSSE
// pre-authentication encoding so the payload type is signed too. Keys are PEM files
// (PKCS#8 private, SubjectPublicKeyInfo public) that `openssl pkey` reads as well.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace waybill::prov {

inline constexpr const char* kInTotoPayloadType = "application/vnd.in-toto+json";

struct KeyFiles {
  std::filesystem::path private_key, public_key;
};

// Writes PREFIX.pem (mode 0600) and PREFIX.pub.pem; refuses to overwrite either.
KeyFiles generate_key_pair(const std::filesystem::path& prefix);

// A key's id: "sha256:" of its public key's DER encoding, the same from either half.
std::string key_id(const std::filesystem::path& key_file);

// The id of a private key, which must be one: render --sign checks its key before
// running anything.
std::string signing_key_id(const std::filesystem::path& private_key);

// DSSE pre-authentication encoding: "DSSEv1 LEN(type) type LEN(body) body".
std::string pae(const std::string& payload_type, const std::string& payload);

// {"payloadType", "payload", "signatures": [{"keyid", "sig"}]} over `payload`.
nlohmann::json sign_envelope(const std::string& payload, const std::filesystem::path& private_key);

// Whether `value` looks like a DSSE envelope rather than a bare statement.
bool is_envelope(const nlohmann::json& value);

// Checks the envelope's signature with the public key and returns the payload. Throws
// Error(Document) naming what is wrong: not signed by this key (with both key ids), a
// payload changed after signing, a signature or payload that is not base64.
std::string open_envelope(const nlohmann::json& envelope, const std::filesystem::path& public_key);

}  // namespace waybill::prov
