#include "exec/zmq_library.hpp"

#include <dlfcn.h>

#include <cerrno>

#include "util/error.hpp"

namespace waybill::exec {

namespace {

[[noreturn]] void zmq_failed(const std::string& what) {
  const ZmqLibrary& z = ZmqLibrary::get();
  throw Error(ErrorKind::Environment, what + ": " + z.strerror(z.error_number()));
}

template <typename F>
void bind(void* library, const char* name, F& function) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) throw Error(ErrorKind::Environment, std::string("libzmq.so.5 has no ") + name, {}, "install libzmq5 4.3 or later");
  function = reinterpret_cast<F>(symbol);
}

ZmqLibrary load() {
  void* library = ::dlopen("libzmq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw Error(ErrorKind::Environment, std::string("cannot load ZeroMQ for Jupyter kernels: ") + ::dlerror(), {},
                "install it: apt-get install libzmq5");
  ZmqLibrary z{};
  bind(library, "zmq_ctx_new", z.ctx_new);
  bind(library, "zmq_ctx_term", z.ctx_term);
  bind(library, "zmq_socket", z.socket);
  bind(library, "zmq_close", z.close);
  bind(library, "zmq_setsockopt", z.setsockopt);
  bind(library, "zmq_connect", z.connect);
  bind(library, "zmq_send", z.send);
  bind(library, "zmq_msg_init", z.msg_init);
  bind(library, "zmq_msg_recv", z.msg_recv);
  bind(library, "zmq_msg_data", z.msg_data);
  bind(library, "zmq_msg_size", z.msg_size);
  bind(library, "zmq_msg_more", z.msg_more);
  bind(library, "zmq_msg_close", z.msg_close);
  bind(library, "zmq_poll", z.poll);
  bind(library, "zmq_errno", z.error_number);
  bind(library, "zmq_strerror", z.strerror);
  return z;  // the library stays loaded for the process
}

}  // namespace

const ZmqLibrary& ZmqLibrary::get() {
  static const ZmqLibrary library = load();
  return library;
}

ZmqContext::ZmqContext() : handle_(ZmqLibrary::get().ctx_new()) {
  if (!handle_) zmq_failed("cannot make a ZeroMQ context");
}

ZmqContext::~ZmqContext() {
  while (ZmqLibrary::get().ctx_term(handle_) != 0 && ZmqLibrary::get().error_number() == EINTR) {
  }
}

ZmqSocket::ZmqSocket(const ZmqContext& context, int type, int64_t max_frame, const std::string& endpoint)
    : handle_(ZmqLibrary::get().socket(context.handle(), type)) {
  const ZmqLibrary& z = ZmqLibrary::get();
  if (!handle_) zmq_failed("cannot make a ZeroMQ socket");
  int linger = 0;
  if (z.setsockopt(handle_, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
      z.setsockopt(handle_, ZMQ_MAXMSGSIZE, &max_frame, sizeof max_frame) != 0 ||
      (type == ZMQ_SUB && z.setsockopt(handle_, ZMQ_SUBSCRIBE, "", 0) != 0) || z.connect(handle_, endpoint.c_str()) != 0) {
    z.close(handle_);
    handle_ = nullptr;
    zmq_failed("cannot connect to " + endpoint);
  }
}

ZmqSocket::~ZmqSocket() {
  if (handle_) ZmqLibrary::get().close(handle_);
}

void ZmqSocket::send(std::string_view frame, bool more) {
  const ZmqLibrary& z = ZmqLibrary::get();
  while (z.send(handle_, frame.data(), frame.size(), more ? ZMQ_SNDMORE : 0) < 0)
    if (z.error_number() != EINTR) zmq_failed("cannot send to the Jupyter kernel");
}

std::optional<std::string> ZmqSocket::receive(bool wait, bool& more) {
  const ZmqLibrary& z = ZmqLibrary::get();
  zmq_msg_t part;
  z.msg_init(&part);
  for (;;) {
    if (z.msg_recv(&part, handle_, wait ? 0 : ZMQ_DONTWAIT) >= 0) break;
    int error = z.error_number();
    if (error == EINTR) continue;
    z.msg_close(&part);
    if (error == EAGAIN) return std::nullopt;
    zmq_failed("cannot receive from the Jupyter kernel");
  }
  std::string frame(static_cast<const char*>(z.msg_data(&part)), z.msg_size(&part));
  more = z.msg_more(&part) != 0;
  z.msg_close(&part);
  return frame;
}

bool zmq_poll_items(zmq_pollitem_t* items, int count, std::chrono::milliseconds timeout) {
  const ZmqLibrary& z = ZmqLibrary::get();
  if (z.poll(items, count, static_cast<long>(timeout.count())) >= 0) return true;
  if (z.error_number() == EINTR) return false;
  zmq_failed("cannot wait for the Jupyter kernel");
}

}  // namespace waybill::exec
