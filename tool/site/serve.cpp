#include "site/serve.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>

#include "site/project.hpp"
#include "site/serve_module.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/module.hpp"
#include "util/report.hpp"

namespace waybill::site {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

// Watches every folder of the project but the output and hidden ones (up to a bound:
// a document in a home folder must not watch the whole home).
class ProjectWatch {
 public:
  static constexpr size_t kMaxFolders = 4096;

  ProjectWatch(fs::path root, fs::path output, Reporter& reporter)
      : root_(std::move(root)), output_(std::move(output)), reporter_(reporter) {
    fd_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!fd_) throw Error::from_errno("watch", root_.string(), errno, ErrorKind::Environment);
    add_tree(root_);
  }

  int fd() const { return fd_.get(); }

  // Reads the pending events; true when one concerns the project (not its output).
  bool drain() {
    bool changed = false;
    alignas(inotify_event) char buf[16384];
    for (;;) {
      ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + e->len;
        std::string name = e->len ? e->name : "";
        if (name.starts_with('.') || name.ends_with('~')) continue;
        auto dir = dirs_.find(e->wd);
        if (dir == dirs_.end()) continue;
        fs::path path = dir->second / name;
        if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(path);
        changed = true;
      }
    }
    return changed;
  }

 private:
  void add(const fs::path& dir) {
    if (dirs_.size() >= kMaxFolders) {
      if (!capped_)
        reporter_.warn("watching the first " + std::to_string(kMaxFolders) + " folders under " + root_.string() +
                           " only; changes in others do not rebuild",
                       {}, "keep the document in a folder of its own");
      capped_ = true;
      return;
    }
    int wd = ::inotify_add_watch(fd_.get(), dir.c_str(),
                                 IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
    if (wd >= 0) dirs_[wd] = dir;
  }

  void add_tree(const fs::path& top) {
    std::error_code ec;
    if (skipped(top)) return;
    add(top);
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_directory(ec)) continue;
      if (skipped(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      add(it->path());
    }
  }

  bool skipped(const fs::path& dir) const {
    std::error_code ec;
    std::string name = dir.filename().string();
    return (dir != root_ && name.starts_with('.')) || fs::equivalent(dir, output_, ec);
  }

  fs::path root_, output_;
  Reporter& reporter_;
  UniqueFd fd_;
  std::map<int, fs::path> dirs_;
  bool capped_ = false;
};

void build_and_report(const SiteRequest& request, Reporter& reporter) {
  try {
    SiteOutcome out = build_site(request, reporter);
    reporter.status("built " + std::to_string(out.rendered.size()) + " of " + std::to_string(out.pages) + " pages" +
                    (out.failed.empty() ? "" : ", " + std::to_string(out.failed.size()) + " failed"));
  } catch (const Error& e) {
    reporter.diagnostic(Diagnostic{Severity::Error, e.message(), e.loc(), e.hint()});
  }
}

}  // namespace

void serve_and_rebuild(const WatchedServe& w, const ServeOptions& options, Reporter& reporter) {
  const ServeModule& module = serve_module();
  make_dirs(w.served);
  void* server = nullptr;
  int port = 0;
  std::string served = w.served.string();
  if (module.start(wb_bytes{served.data(), served.size()}, options.port, &server, &port) != 0)
    throw Error(ErrorKind::Environment, "cannot listen on 127.0.0.1:" + std::to_string(options.port), {},
                "another program may use that port: choose one with --port N");
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/" + w.page;
  reporter.status("serving " + w.served.string() + " at " + url + " (Ctrl-C stops)");

  ProjectWatch watch(w.watched, w.served, reporter);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {};
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  while (!g_stop) {
    pollfd p{watch.fd(), POLLIN, 0};
    if (::poll(&p, 1, 500) <= 0) continue;
    if (!watch.drain()) continue;
    // Editors write a file in several steps: wait for the burst to end.
    while (!g_stop && ::poll(&p, 1, 150) > 0) watch.drain();
    if (g_stop) break;
    w.build();  // its boxes take Ctrl-C as in a plain build
    module.rebuilt(server);
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  module.stop(server);
  reporter.status("stopped serving");
}

void serve_site(const SiteRequest& request, const ServeOptions& options, Reporter& reporter) {
  CollectingReporter quiet;
  Project project = load_project(request.dir, request.output, request.grants.roots(request.dir), quiet);  // a broken waybill.yml stops here
  build_and_report(request, reporter);
  WatchedServe w{project.root, project.output, "", [&] { build_and_report(request, reporter); }};
  serve_and_rebuild(w, options, reporter);
}

}  // namespace waybill::site
