#pragma once
// Content digests (OCI image spec, "Digests"): `algorithm:encoded`. A Digest is only
// ever constructed from text that passed the grammar, with a supported algorithm and
// lower-case hex of the right length, so it is safe to use as a file name.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace waybill::oci {

class Digest {
 public:
  Digest() = default;

  // Parses and validates; throws Error(Document) naming the text and what is wrong.
  static Digest parse(std::string_view text);
  static std::optional<Digest> try_parse(std::string_view text, std::string* why = nullptr);
  static Digest sha256_of(std::string_view data);  // defined in sha256.cpp (OpenSSL)

  const std::string& str() const { return text_; }          // "sha256:ab12..."
  std::string_view algorithm() const { return std::string_view(text_).substr(0, colon_); }
  std::string_view hex() const { return std::string_view(text_).substr(colon_ + 1); }
  std::string short_id() const { return std::string(hex().substr(0, 12)); }
  bool empty() const { return text_.empty(); }

  friend bool operator==(const Digest& a, const Digest& b) { return a.text_ == b.text_; }
  friend bool operator<(const Digest& a, const Digest& b) { return a.text_ < b.text_; }

 private:
  std::string text_;
  size_t colon_ = 0;
};

}  // namespace waybill::oci
