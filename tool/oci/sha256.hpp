#pragma once
// Streaming SHA-256 through OpenSSL (SHA-NI where the CPU has it). Kept apart from
// digest.hpp so that code that only parses digests does not link libcrypto.
#include <openssl/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
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

// A file's digest, read in 1 MiB pieces (archives and outputs can be large). `name`
// is for messages; `size`, when given, gets the number of bytes read.
Digest sha256_of_fd(int fd, const std::string& name, uint64_t* size = nullptr);
Digest sha256_of_file(const std::filesystem::path& file, uint64_t* size = nullptr);

}  // namespace waybill::oci
