#include "exec/reply_decoder.hpp"

#include <cstdio>

#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::exec {

namespace {

constexpr size_t kMaxHeader = 20;  // digits of a frame's length
constexpr int kMaxJsonDepth = 64;

[[noreturn]] void violation(std::string why) { throw ProtocolViolation{std::move(why)}; }

nlohmann::json decode_json_reply(const std::string& frame, const nlohmann::json& request) {
  auto reply = parse_untrusted_object(frame, "sent a reply");
  auto id = reply.find("id");
  if (id == reply.end() || *id != request.value("id", nlohmann::json())) violation("sent a reply to a request it was not asked");
  return reply;
}

nlohmann::json decode_shell_reply(const std::string& frame, const nlohmann::json& request) {
  // "STATUS OUT ERR\n", then OUT bytes of stdout and ERR bytes of stderr.
  auto nl = frame.find('\n');
  long status = 0;
  unsigned long out = 0, err = 0;
  char tail = 0;
  if (nl == std::string::npos || nl > kMaxHeader * 3 ||
      std::sscanf(frame.substr(0, nl).c_str(), "%ld %lu %lu%c", &status, &out, &err, &tail) != 3 ||
      frame.substr(0, nl).find_first_not_of("-0123456789 ") != std::string::npos || out > frame.size() ||
      err > frame.size() || nl + 1 + out + err != frame.size())
    violation("sent a reply waybill cannot read (a bad status line)");
  nlohmann::json outputs = nlohmann::json::array();
  if (out) outputs.push_back({{"type", "stream"}, {"name", "stdout"}, {"text", to_valid_utf8(frame.substr(nl + 1, out))}});
  if (err) outputs.push_back({{"type", "stream"}, {"name", "stderr"}, {"text", to_valid_utf8(frame.substr(nl + 1 + out, err))}});
  nlohmann::json error;
  if (status != 0)
    error = {{"ename", "exit status"}, {"evalue", std::to_string(status)}, {"traceback", ""},
             {"line", request.value("first_line", 0)}};
  return nlohmann::json{{"id", request.value("id", 0)}, {"outputs", outputs}, {"error", error}};
}

}  // namespace

nlohmann::json parse_untrusted_object(const std::string& text, const std::string& what) {
  // Deeply nested JSON costs the host stack and memory for nothing a driver sends.
  bool too_deep = false;
  auto depth_guard = [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  auto value = nlohmann::json::parse(text, depth_guard, false);
  if (too_deep) violation(what + " nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  if (value.is_discarded() || !value.is_object()) violation(what + " waybill cannot read (not a JSON object)");
  return value;
}

std::optional<std::string> take_reply_frame(std::string& buffer, uint64_t max_bytes) {
  // A frame: a decimal length, a newline, then that many bytes. Nothing in it is
  // trusted: the cell's code may have written it.
  auto nl = buffer.find('\n');
  if (nl == std::string::npos) {
    if (buffer.size() > kMaxHeader) violation("sent a reply waybill cannot read (no length line)");
    return std::nullopt;
  }
  if (nl == 0 || nl > kMaxHeader || buffer.find_first_not_of("0123456789") < nl)
    violation("sent a reply waybill cannot read (a bad length line)");
  uint64_t length = 0;
  for (size_t i = 0; i < nl; ++i) {
    if (length > (UINT64_MAX - 9) / 10) violation("sent a reply waybill cannot read (a bad length line)");
    length = length * 10 + static_cast<uint64_t>(buffer[i] - '0');
  }
  if (length > max_bytes)
    violation("sent a reply of " + format_binary_size(length) + ", more than its cell may put out (" +
              format_binary_size(max_bytes) + "; see the manifest's limits.cell-output)");
  if (buffer.size() < nl + 1 + length) return std::nullopt;
  std::string frame = buffer.substr(nl + 1, length);
  buffer.erase(0, nl + 1 + length);
  if (!buffer.empty()) violation("sent more than one reply to one request");
  return frame;
}

nlohmann::json decode_reply(Protocol protocol, const std::string& frame, const nlohmann::json& request) {
  return protocol == Protocol::Shell ? decode_shell_reply(frame, request) : decode_json_reply(frame, request);
}

}  // namespace waybill::exec
