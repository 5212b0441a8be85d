#pragma once
// `waybill site --serve`: build the site, serve it on 127.0.0.1, and build it again
// whenever a file of the project changes (inotify), until SIGINT or SIGTERM. Pages open
// in a browser reload after each build.
#include <filesystem>
#include <functional>
#include <string>

#include "site/site_build.hpp"

namespace waybill::site {

struct ServeOptions {
  int port = 8000;  // 0: any free port (the status line names the URL)
};

// Serves `served` on 127.0.0.1 and calls `build` again whenever a file under `watched`
// (but not under `served`) changes, telling open pages to reload; returns on SIGINT or
// SIGTERM. `page` is the path the printed URL names ("" for the folder's index).
struct WatchedServe {
  std::filesystem::path watched, served;
  std::string page;
  std::function<void()> build;
};
void serve_and_rebuild(const WatchedServe& w, const ServeOptions& options, Reporter& reporter);

// Returns when a signal stops it. Throws Error when the first build cannot start (a
// broken waybill.yml) or the port is taken; later failures are reported and awaited.
void serve_site(const SiteRequest& request, const ServeOptions& options, Reporter& reporter);

}  // namespace waybill::site
