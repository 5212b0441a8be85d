#include "oci/digest.hpp"

#include <cctype>
#include <new>

#include "util/error.hpp"

namespace waybill::oci {

namespace {

bool valid_algorithm(std::string_view a) {
  if (a.empty()) return false;
  bool need_component = true;
  for (char c : a) {
    if (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c))) {
      need_component = false;
    } else if (c == '+' || c == '.' || c == '_' || c == '-') {
      if (need_component) return false;
      need_component = true;
    } else {
      return false;
    }
  }
  return !need_component;
}

bool lower_hex(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f')) return false;
  return true;
}

}  // namespace

std::optional<Digest> Digest::try_parse(std::string_view text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<Digest> {
    if (why) *why = reason;
    return std::nullopt;
  };
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail("it has no `algorithm:` prefix");
  std::string_view algorithm = text.substr(0, colon), encoded = text.substr(colon + 1);
  if (!valid_algorithm(algorithm)) return fail("`" + std::string(algorithm) + "` is not a valid algorithm name");
  size_t want = algorithm == "sha256" ? 64 : algorithm == "sha512" ? 128 : 0;
  if (want == 0) return fail("the algorithm `" + std::string(algorithm) + "` is not supported (sha256, sha512 are)");
  if (encoded.size() != want || !lower_hex(encoded))
    return fail("a " + std::string(algorithm) + " digest is " + std::to_string(want) + " lower-case hex digits");
  Digest d;
  d.text_ = std::string(text);
  d.colon_ = colon;
  return d;
}

Digest Digest::parse(std::string_view text) {
  std::string why;
  auto d = try_parse(text, &why);
  if (!d) throw Error(ErrorKind::Document, "invalid digest `" + std::string(text) + "`: " + why);
  return *d;
}

}  // namespace waybill::oci
