// The serve module: libmicrohttpd serving a site's folder on the loopback address.
// Paths from requests are opened beneath the folder (util/safe_path), never joined as
// strings, so `..` and links cannot reach outside it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>

#include "site/serve_module.hpp"
#include "util/fs.hpp"
#include "util/media_types.hpp"
#include "util/safe_path.hpp"

namespace waybill {

namespace {

struct Server {
  std::string root;
  MHD_Daemon* daemon = nullptr;
  std::atomic<unsigned> build{1};
};

// Asks every second whether the site was rebuilt, and reloads when it was.
constexpr const char* kReloadScript =
    "<script>(function(){var v=null;setInterval(function(){fetch('/_waybill/build').then(function(r){return r.text()})"
    ".then(function(t){if(v!==null&&t!==v)location.reload();v=t}).catch(function(){})},1000)})();</script>\n";

// The table's types are literals: their data() ends in a NUL.
const char* media_type(const std::string& path) { return media_type_of(path).data(); }

std::string decode(const char* url) {
  std::string out;
  for (const char* p = url; *p; ++p) {
    if (*p == '%' && std::isxdigit(static_cast<unsigned char>(p[1])) && std::isxdigit(static_cast<unsigned char>(p[2]))) {
      out += static_cast<char>(std::stoi(std::string(p + 1, 2), nullptr, 16));
      p += 2;
    } else {
      out += *p;
    }
  }
  return out;
}

MHD_Result reply(MHD_Connection* c, unsigned status, const std::string& body, const char* type) {
  MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_Result ok = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

MHD_Result answer_request(Server& s, MHD_Connection* c, const char* url, const char* method) {
  if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0)
    return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", "text/plain");
  std::string path = decode(url);
  if (path == "/_waybill/build") return reply(c, MHD_HTTP_OK, std::to_string(s.build.load()), "text/plain");
  if (path.empty() || path.back() == '/') path += "index.html";
  std::string rel = path.substr(path.find_first_not_of('/') == std::string::npos ? path.size() : path.find_first_not_of('/'));
  BeneathResult file = open_beneath(std::filesystem::path(s.root), rel, O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (file.fd && ::fstat(file.fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    file = open_beneath(std::filesystem::path(s.root), rel + "/index.html", O_RDONLY | O_CLOEXEC);
    rel += "/index.html";
    if (file.fd) ::fstat(file.fd.get(), &st);
  }
  if (!file.fd || !S_ISREG(st.st_mode)) return reply(c, MHD_HTTP_NOT_FOUND, "not found: " + path + "\n", "text/plain");
  if (rel.ends_with(".html")) {
    std::string page = read_fd(file.fd.get(), rel);
    auto at = page.rfind("</body>");
    page.insert(at == std::string::npos ? page.size() : at, kReloadScript);
    return reply(c, MHD_HTTP_OK, page, media_type(rel));
  }
  int fd = file.fd.release();  // the response closes it
  MHD_Response* r = MHD_create_response_from_fd(static_cast<uint64_t>(st.st_size), fd);
  MHD_add_response_header(r, "Content-Type", media_type(rel));
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

// libmicrohttpd calls this from its threads, through C frames no exception may cross: a
// file that cannot be read is a 500, not the end of the process.
MHD_Result answer(void* cls, MHD_Connection* c, const char* url, const char* method, const char*, const char*, size_t*,
                  void**) {
  try {
    return answer_request(*static_cast<Server*>(cls), c, url, method);
  } catch (const std::exception& e) {
    return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, std::string(e.what()) + "\n", "text/plain");
  }
}

int start(wb_bytes root, int port, void** handle, int* bound_port) noexcept try {
  auto* s = new Server{std::string(root.data, root.size), nullptr, {1}};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, static_cast<uint16_t>(port), nullptr,
                               nullptr, &answer, s, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
  if (!s->daemon) {
    delete s;
    return -1;
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *bound_port = info ? info->port : port;
  *handle = s;
  return 0;
} catch (...) {
  return -1;
}

void rebuilt(void* handle) { ++static_cast<Server*>(handle)->build; }

void stop(void* handle) {
  auto* s = static_cast<Server*>(handle);
  MHD_stop_daemon(s->daemon);
  delete s;
}

const ServeModule kModule{kServeModule.abi, start, rebuilt, stop};

}  // namespace

}  // namespace waybill

extern "C" __attribute__((visibility("default"))) const waybill::ServeModule* waybill_serve_module() {
  return &waybill::kModule;
}
