#include "exec/jupyter_wire.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "util/error.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

constexpr const char* kDelimiter = "<IDS|MSG>";
constexpr const char* kProtocolVersion = "5.3";

std::string hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

}  // namespace

std::string KernelMessage::parent_id() const {
  auto it = parent_header.find("msg_id");
  return it != parent_header.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string MessageSigner::sign(const std::vector<std::string>& parts) const {
  std::string joined;
  for (const auto& p : parts) joined += p;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(joined.data()),
            joined.size(), mac, &length))
    throw Error(ErrorKind::Environment, "HMAC-SHA256 failed in OpenSSL");
  return hex(mac, length);
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  for (size_t got = 0; got < bytes;) {
    ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error::from_errno("getrandom", "", errno);
    got += static_cast<size_t>(n);
  }
  return hex(reinterpret_cast<const unsigned char*>(raw.data()), bytes);
}

std::vector<std::string> encode_message(const MessageSigner& signer, const std::string& session,
                                        const std::string& type, const std::string& id, const nlohmann::json& content) {
  nlohmann::json header = {{"msg_id", id},           {"session", session}, {"username", "waybill"},
                           {"date", utc_now()},      {"msg_type", type},   {"version", kProtocolVersion}};
  std::vector<std::string> parts = {header.dump(), "{}", "{}", content.dump()};
  std::vector<std::string> frames = {kDelimiter, signer.sign(parts)};
  for (auto& p : parts) frames.push_back(std::move(p));
  return frames;
}

KernelMessage decode_message(const MessageSigner& signer, const std::vector<std::string>& frames, uint64_t max_bytes) {
  size_t at = 0;
  while (at < frames.size() && frames[at] != kDelimiter) ++at;
  if (at == frames.size()) throw ProtocolViolation{"sent a message with no <IDS|MSG> delimiter"};
  if (frames.size() - at < 6) throw ProtocolViolation{"sent a message with parts missing"};
  std::vector<std::string> parts(frames.begin() + static_cast<long>(at) + 2, frames.begin() + static_cast<long>(at) + 6);
  uint64_t total = 0;
  for (size_t i = at; i < frames.size(); ++i) total += frames[i].size();
  if (total > max_bytes)
    throw ProtocolViolation{"sent a message of " + format_binary_size(total) + ", more than its cell may put out (" +
                            format_binary_size(max_bytes) + "; see the manifest's limits.cell-output)"};
  // Without a key, messages are unsigned (Jupyter allows it); waybill always sets one.
  std::string expected = signer.sign(parts);
  const std::string& got = frames[at + 1];
  if (got.size() != expected.size() || CRYPTO_memcmp(got.data(), expected.data(), got.size()) != 0)
    throw ProtocolViolation{"sent a message whose signature is wrong"};
  KernelMessage m;
  m.header = parse_untrusted_object(parts[0], "sent a message header");
  m.parent_header = parse_untrusted_object(parts[1], "sent a message's parent header");
  m.metadata = parse_untrusted_object(parts[2], "sent a message's metadata");
  m.content = parse_untrusted_object(parts[3], "sent a message's content");
  if (!m.header.contains("msg_type") || !m.header["msg_type"].is_string())
    throw ProtocolViolation{"sent a message with no msg_type"};
  return m;
}

nlohmann::json connection_file(const std::string& ip, const std::vector<int>& ports, const std::string& key,
                               const std::string& kernel_name) {
  return {{"shell_port", ports.at(0)}, {"iopub_port", ports.at(1)},   {"stdin_port", ports.at(2)},
          {"control_port", ports.at(3)}, {"hb_port", ports.at(4)},     {"ip", ip},
          {"key", key},                {"transport", "tcp"},          {"signature_scheme", "hmac-sha256"},
          {"kernel_name", kernel_name}};
}

}  // namespace waybill::exec
