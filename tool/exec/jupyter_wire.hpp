#pragma once
// The Jupyter messaging protocol's wire format (version 5.3), apart from the sockets so
// that it can be tested alone: a message is the ZeroMQ frames
//   [identities...] "<IDS|MSG>" signature header parent_header metadata content [buffers...]
// signed with HMAC-SHA256 over the four JSON parts, keyed by the connection file's key.
// A kernel runs a cell's code, so what it sends is untrusted: a message with a wrong
// signature, a missing part, JSON that is not an object or nests too deep is refused
// with the reason (ProtocolViolation), never half-read.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/reply_decoder.hpp"

namespace waybill::exec {

struct KernelMessage {
  nlohmann::json header, parent_header, metadata, content;

  std::string type() const { return header.value("msg_type", ""); }
  std::string id() const { return header.value("msg_id", ""); }
  // The msg_id of the request this message answers; "" when it answers none.
  std::string parent_id() const;
};

class MessageSigner {
 public:
  explicit MessageSigner(std::string key) : key_(std::move(key)) {}
  const std::string& key() const { return key_; }
  // The hex HMAC-SHA256 of the four parts, in order.
  std::string sign(const std::vector<std::string>& parts) const;

 private:
  std::string key_;
};

// 32 random bytes as hex: a connection key, or (16 bytes) a message or session id.
std::string random_hex(size_t bytes);

// A new message of `type` from the client `session`: its frames, from the delimiter on
// (a DEALER socket adds no identity of ours). `id` becomes the header's msg_id.
std::vector<std::string> encode_message(const MessageSigner& signer, const std::string& session,
                                        const std::string& type, const std::string& id, const nlohmann::json& content);

// Reads a message's frames (identities or a SUB topic may come before the delimiter).
// Throws ProtocolViolation for a bad signature, missing frames, parts over `max_bytes`
// together, or parts that are not JSON objects nested at most 64 levels deep.
KernelMessage decode_message(const MessageSigner& signer, const std::vector<std::string>& frames, uint64_t max_bytes);

// The connection file a kernel is started with (tcp on `ip`, these five ports in the
// order shell, iopub, stdin, control, hb).
nlohmann::json connection_file(const std::string& ip, const std::vector<int>& ports, const std::string& key,
                               const std::string& kernel_name);

}  // namespace waybill::exec
