#include "oci/sha256.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <new>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::oci {

Digest Digest::sha256_of(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

Digest sha256_of_fd(int fd, const std::string& name, uint64_t* size) {
  Sha256 h;
  std::vector<char> buf(1 << 20);
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::from_errno("read", name, errno);
    h.update(buf.data(), static_cast<size_t>(n));
  }
  if (size) *size = h.bytes();
  return h.finish();
}

Digest sha256_of_file(const std::filesystem::path& file, uint64_t* size) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error::from_errno("open", display_path(file), errno);
  return sha256_of_fd(fd.get(), display_path(file), size);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(const void* data, size_t size) {
  EVP_DigestUpdate(ctx_, data, size);
  bytes_ += size;
}

Digest Sha256::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  static const char* hexdigits = "0123456789abcdef";
  std::string text = "sha256:";
  for (unsigned i = 0; i < len; ++i) {
    text += hexdigits[md[i] >> 4];
    text += hexdigits[md[i] & 15];
  }
  return Digest::parse(text);
}

}  // namespace waybill::oci
