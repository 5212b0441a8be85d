#pragma once
// libzmq, loaded the first time a Jupyter kernel starts. Linking it would load it, and
// the eight libraries it pulls in (sodium, pgm, norm, Kerberos, ...), into every render
// for the few documents that use a kernel: about 7 ms of every start on these machines
// (ARCHITECTURE.md, "Module seams"). The sockets are RAII owners over its C API.
#include <zmq.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace waybill::exec {

// The functions of libzmq.so.5 waybill calls. Throws Error(Environment) when it cannot be
// loaded, naming the Debian package.
struct ZmqLibrary {
  void* (*ctx_new)();
  int (*ctx_term)(void*);
  void* (*socket)(void*, int);
  int (*close)(void*);
  int (*setsockopt)(void*, int, const void*, size_t);
  int (*connect)(void*, const char*);
  int (*send)(void*, const void*, size_t, int);
  int (*msg_init)(zmq_msg_t*);
  int (*msg_recv)(zmq_msg_t*, void*, int);
  void* (*msg_data)(zmq_msg_t*);
  size_t (*msg_size)(const zmq_msg_t*);
  int (*msg_more)(const zmq_msg_t*);
  int (*msg_close)(zmq_msg_t*);
  int (*poll)(zmq_pollitem_t*, int, long);
  int (*error_number)();
  const char* (*strerror)(int);

  static const ZmqLibrary& get();
};

class ZmqContext {
 public:
  ZmqContext();
  ~ZmqContext();
  ZmqContext(const ZmqContext&) = delete;
  ZmqContext& operator=(const ZmqContext&) = delete;
  void* handle() const { return handle_; }

 private:
  void* handle_ = nullptr;
};

class ZmqSocket {
 public:
  // A socket of `type` (ZMQ_DEALER, ZMQ_SUB) that drops nothing on close and refuses
  // frames over `max_frame` bytes, connected to `endpoint`.
  ZmqSocket(const ZmqContext& context, int type, int64_t max_frame, const std::string& endpoint);
  ~ZmqSocket();
  ZmqSocket(const ZmqSocket&) = delete;
  ZmqSocket& operator=(const ZmqSocket&) = delete;
  void* handle() const { return handle_; }

  void send(std::string_view frame, bool more);
  // One frame; nullopt when `wait` is false and none is there. `more` says whether the
  // message has frames after it.
  std::optional<std::string> receive(bool wait, bool& more);

 private:
  void* handle_ = nullptr;
};

// zmq_poll over these items; false when interrupted by a signal.
bool zmq_poll_items(zmq_pollitem_t* items, int count, std::chrono::milliseconds timeout);

}  // namespace waybill::exec
