#pragma once
// Decoding what a driver sends back, apart from the session's pipes and box so that it
// can be tested and fuzzed alone. Everything here is untrusted input: a cell's code may
// have written it. A reply that breaks the protocol throws ProtocolViolation, saying
// how, and the session ends with that reason.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace waybill::exec {

// What a driver's frames hold. Json: JSON both ways (the Python driver). Shell: the
// cell's code as the request, and "STATUS OUT ERR" then the streams back, which the
// session turns into the same JSON. Fields: a header line of space-separated fields and
// the code as the request (R has no JSON reader in base), JSON back. Jupyter: no frames;
// the Jupyter messaging protocol over ZeroMQ (exec/kernel_session.hpp).
enum class Protocol { Json, Shell, Fields, Jupyter };

struct ProtocolViolation {
  std::string why;  // "sent a reply of 90 GiB, ...": follows "the session"
};

// The frame at the front of `buffer` (a decimal length, a newline, that many bytes),
// taken out of it once it is whole; nullopt until then. A frame over `max_bytes`, a bad
// length line or bytes after the frame (a second reply) are violations.
std::optional<std::string> take_reply_frame(std::string& buffer, uint64_t max_bytes);

// `text` as a JSON object nested at most 64 levels; `what` names it in the violation
// ("sent a reply", "sent a message header").
nlohmann::json parse_untrusted_object(const std::string& text, const std::string& what);

// One reply frame as the JSON the drivers' Python format has (cell_result.hpp reads it),
// checked against the request it answers: an object, nested at most 64 levels, with the
// request's id.
nlohmann::json decode_reply(Protocol protocol, const std::string& frame, const nlohmann::json& request);

}  // namespace waybill::exec
