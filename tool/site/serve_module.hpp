#pragma once
// The serve module's entry table (util/module.hpp): a static file server for a built
// site on 127.0.0.1, with libmicrohttpd behind it, loaded only by `waybill site --serve`.
// Pages it serves get a small script that reloads them after a rebuild.
#include "util/module.hpp"
#include "util/module_abi.h"

namespace waybill {

// A C struct (util/module_abi.h): only bytes, ints and an opaque handle cross.
struct ServeModule {
  int abi;
  // Serves `root` on 127.0.0.1:`port` (0: any free port) from threads of its own.
  // Returns 0 with the server in `handle` and the port it listens on in `bound_port`,
  // or -1 when it cannot listen there.
  int (*start)(wb_bytes root, int port, void** handle, int* bound_port);
  // A rebuild finished: pages open in a browser reload.
  void (*rebuilt)(void* handle);
  void (*stop)(void* handle);
};

inline constexpr ModuleId kServeModule{"serve", "waybill_serve_module", 2};

// The module's table, loaded and checked (util/module.hpp).
inline const ServeModule& serve_module() { return load_module<ServeModule>(kServeModule); }

}  // namespace waybill
