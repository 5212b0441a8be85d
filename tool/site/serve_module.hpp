#pragma once
// The serve module's entry table (util/module.hpp): a static file server for a built
// site on 127.0.0.1, with libmicrohttpd behind it, loaded only by `waybill site --serve`.
// Pages it serves get a small script that reloads them after a rebuild.
#include <optional>
#include <string>

#include "util/error.hpp"
#include "util/module.hpp"

namespace waybill {

struct ServeModule {
  int abi;
  // Serves `root` on 127.0.0.1:`port` (0: any free port) from threads of its own.
  // `handle` receives the server; `bound_port` the port it listens on.
  std::optional<Error> (*start)(const std::string& root, int port, void** handle, int* bound_port);
  // A rebuild finished: pages open in a browser reload.
  void (*rebuilt)(void* handle);
  void (*stop)(void* handle);
};

inline constexpr ModuleId kServeModule{"serve", "waybill_serve_module", 1};

// The module's table, loaded and checked (util/module.hpp).
inline const ServeModule& serve_module() { return load_module<ServeModule>(kServeModule); }

}  // namespace waybill
