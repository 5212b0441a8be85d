#pragma once
// Base64 (RFC 4648, with padding) through OpenSSL: figures and files in cell results,
// data: URIs in self-contained pages. In the wb_crypto library, not wb_util, so that the
// executable does not link libcrypto.
#include <optional>
#include <string>
#include <string_view>

namespace waybill {

std::string base64_encode(std::string_view data);
// nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace waybill
