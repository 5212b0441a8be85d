#pragma once
// Streaming SHA-256 through OpenSSL (SHA-NI where the CPU has it). Kept apart from
// digest.hpp so that code that only parses digests does not link libcrypto.
#include <openssl/types.h>

#include <cstdint>
#include <string_view>

#include "oci/digest.hpp"

namespace waybill::oci {

// Streaming SHA-256 (OpenSSL; SHA-NI where the CPU has it).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  Digest finish();  // may be called once
  uint64_t bytes() const { return bytes_; }

 private:
  EVP_MD_CTX* ctx_;
  uint64_t bytes_ = 0;
};

}  // namespace waybill::oci
