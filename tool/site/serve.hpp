#pragma once
// `waybill site --serve`: build the site, serve it on 127.0.0.1, and build it again
// whenever a file of the project changes (inotify), until SIGINT or SIGTERM. Pages open
// in a browser reload after each build.
#include <functional>

#include "site/site_build.hpp"

namespace waybill::site {

struct ServeOptions {
  int port = 8000;  // 0: any free port
  // Called once the server listens, with its URL (tests read it from the status line).
  std::function<void(const std::string& url)> listening;
};

// Returns when a signal stops it. Throws Error when the first build cannot start (a
// broken waybill.yml) or the port is taken; later failures are reported and awaited.
void serve_site(const SiteRequest& request, const ServeOptions& options, Reporter& reporter);

}  // namespace waybill::site
