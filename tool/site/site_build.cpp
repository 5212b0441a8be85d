#include "site/site_build.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "exec/executor.hpp"
#include "oci/store.hpp"
#include "plan/cache_key.hpp"
#include "plan/trust.hpp"
#include "driver/page_context.hpp"
#include "driver/render_documents.hpp"
#include "site/links.hpp"
#include "site/page_key.hpp"
#include "site/site_batch.hpp"
#include "batch/slurm_engine.hpp"
#include "batch/task_follow.hpp"
#include "site/project_images.hpp"
#include "site/site_files.hpp"
#include "site/site_html.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/install_paths.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::site {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// A page's messages, named by the page while several render at once; progress lines
// that a terminal redraws would mix between processes, so they are dropped then.
class PageReporter : public Reporter {
 public:
  PageReporter(Reporter& next, std::string page, bool parallel) : next_(next), page_(std::move(page)), parallel_(parallel) {}
  void diagnostic(const Diagnostic& d) override { next_.diagnostic(d); }
  void status(std::string_view text) override {
    if (text.starts_with("rendered ")) return;  // the site says it, with the page's name
    next_.status(page_ + ": " + std::string(text));
  }
  void progress(std::string_view label, uint64_t done, uint64_t total) override {
    if (!parallel_) next_.progress(label, done, total);
  }
  void activity(std::string_view text) override {
    if (!parallel_) next_.activity(page_ + ": " + std::string(text));
  }
  bool redraws() const override { return !parallel_ && next_.redraws(); }

 private:
  Reporter& next_;
  std::string page_;
  bool parallel_;
};

json error_json(const Error& e) {
  return {{"kind", static_cast<int>(e.kind())}, {"message", e.message()}, {"file", e.loc().file},
          {"line", e.loc().line}, {"col", e.loc().col}, {"hint", e.hint()}};
}

// A page's error as its process (or batch task) left it; a result that is not one a
// page writes says so instead.
Diagnostic diagnostic_of(const json& j, const std::string& page) {
  try {
    std::string file = j.value("file", std::string());
    SourceLoc at = file.empty() ? SourceLoc{page, 0, 0} : SourceLoc{file, j.value("line", 0), j.value("col", 0)};
    return Diagnostic{Severity::Error, j.value("message", std::string("the page failed")), at, j.value("hint", std::string())};
  } catch (const json::exception& e) {
    return Diagnostic{Severity::Error, "rendering " + page + " left a broken result: " + e.what(), SourceLoc{page, 0, 0},
                      "run `waybill render " + page + "` to see it alone"};
  }
}

unsigned cores() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

struct PageJob {
  size_t index;        // into the scans
  std::string key;
  driver::PageContext site;
  fs::path result;     // where the child leaves its stats or its error
};

class SiteBuild {
 public:
  SiteBuild(const SiteRequest& req, Reporter& rep) : req_(req), rep_(rep) {}

  SiteOutcome run() {
    if (!req_.task_plan.empty()) run_task();  // never returns
    if (!req_.batch.on.empty() && req_.batch.on != "slurm")
      throw Error(ErrorKind::Usage, "unknown batch engine `" + req_.batch.on + "`", {}, "write --on slurm");
    auto t0 = Clock::now();
    project_ = load_project(req_.dir, req_.output, req_.grants.roots(req_.dir), rep_);
    out_.output = project_.output.string();
    make_dirs(project_.output);
    state_path_ = project_.output / ".waybill-site.json";
    read_state();
    pack_site_data();
    scan_pages();
    make_navigation();
    std::vector<PageJob> jobs = plan_jobs();
    if (!req_.batch.attach.empty()) jobs = attached_jobs();
    if (!jobs.empty()) {
      if (req_.batch.attach.empty()) build_site_images(jobs);
      if (req_.batch.on.empty()) {
        render_pages(jobs);
      } else if (!render_pages_in_batch(jobs)) {
        out_.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        write_stats();  // detached: the pages are the job's; `--attach` gathers them
        return std::move(out_);
      }
    }
    write_site_files();
    remove_departed_pages();
    write_state();
    out_.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    write_stats();
    return std::move(out_);
  }

  void write_stats() const {
    if (req_.stats_file.empty()) return;
    const SiteOutcome& o = out_;
    json j = {{"pages", o.pages},         {"rendered", o.rendered},     {"pages_rendered", o.rendered.size()},
              {"pages_unchanged", o.unchanged}, {"failed", o.failed},   {"written", o.written},
              {"removed", o.removed},     {"cells_run", o.cells_run},   {"cells_cached", o.cells_cached},
              {"images_built", o.images_built}, {"milliseconds", o.milliseconds}, {"timings", o.timings}};
    write_file_atomic(req_.stats_file, j.dump(2) + "\n");
  }

 private:
  void read_state() {
    auto text = read_file_if_exists(state_path_);
    if (!text) return;
    json j = json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("version", 0) == 1 && j.contains("pages") && j["pages"].is_object())
      for (const auto& [page, key] : j["pages"].items()) old_keys_[page] = key.get<std::string>();
    if (j.is_object() && j.contains("data") && j["data"].is_object())
      for (const auto& [name, tree] : j["data"].items()) data_trees_[name] = tree.get<std::string>();
  }

  // waybill.yml's `data`: each folder packed into its data image when its files changed
  // (or the store lost the image), before any page's key reads the image's digest.
  void pack_site_data() {
    for (const auto& d : project_.data) {
      std::string tree = tree_digest(d.dir, project_.output);
      auto old = data_trees_.find(d.name);
      if (old != data_trees_.end() && old->second == tree && store_has(d.name)) continue;
      pack_project_data(d, rep_);
      data_trees_[d.name] = tree;
    }
  }

  bool store_has(const std::string& name) const {
    try {
      return oci::Store::open().find(name).has_value();
    } catch (const Error&) {
      return false;
    }
  }

  void write_state() {
    json pages = json::object();
    for (const auto& [page, key] : new_keys_) pages[page] = key;
    json data = json::object();
    for (const auto& [name, tree] : data_trees_) data[name] = tree;
    write_if_changed(state_path_, json{{"version", 1}, {"pages", pages}, {"data", data}}.dump(1) + "\n", false);
  }

  // A page no longer in the site takes its page, record and files with it.
  void remove_departed_pages() {
    std::set<std::string> current;
    for (const auto& e : project_.pages) current.insert(e.path);
    for (const auto& [page, key] : old_keys_) {
      if (current.count(page)) continue;
      fs::path html = project_.output / html_path(page);
      std::error_code ec;
      fs::remove(html, ec);
      fs::remove(fs::path(html).replace_extension(".provenance.json"), ec);
      fs::remove_all(html.parent_path() / (html.stem().string() + "_files"), ec);
      out_.removed.push_back(html_path(page));
    }
  }

  // Pass 1: every page read and planned. A page that cannot be read fails alone.
  void scan_pages() {
    out_.pages = project_.pages.size();
    CollectingReporter quiet;  // the render repeats the warnings of the pages it renders
    for (const auto& entry : project_.pages) {
      try {
        scans_.push_back(scan_page(project_, entry, quiet));
      } catch (const Error& e) {
        fail(entry.path, Diagnostic{Severity::Error, e.message(), e.loc(), e.hint()});
      }
    }
  }

  void fail(const std::string& page, const Diagnostic& d) {
    rep_.diagnostic(d);
    if (out_.failed.empty() || out_.failed.back() != page) out_.failed.push_back(page);
  }

  void make_navigation() {
    bool has_index = false;
    for (const auto& s : scans_) has_index = has_index || s.html == "index.html";
    if (!has_index) nav_.push_back(NavPage{"index.html", "Contents", "", true});
    for (const auto& s : scans_) nav_.push_back(NavPage{s.html, s.title, s.entry.section, false});
    // A page of the site may be called provenance.md itself.
    bool taken = false;
    for (const auto& s : scans_) taken = taken || s.html == "provenance.html";
    nav_.push_back(NavPage{taken ? "site-provenance.html" : "provenance.html", "Provenance", "", true});
    // The page template is in every page too.
    json n = {project_.title, plan::sha256_hex(read_file(templates_dir() / "site" / "page.html"))};
    for (const auto& p : nav_) n.push_back({p.html, p.title, p.section});
    nav_digest_ = plan::sha256_hex(n.dump());
  }

  size_t nav_index(const std::string& html) const {
    for (size_t i = 0; i < nav_.size(); ++i)
      if (nav_[i].html == html) return i;
    return 0;
  }

  // The links between pages, and to the pages the site generates.
  void make_links() {
    std::vector<std::string> generated;
    for (const auto& p : nav_)
      if (p.generated) generated.push_back(p.html);
    links_.emplace(project_, scans_, generated);
  }

  // The scan of a page a batch plan names; the site may have changed since it was submitted.
  size_t scan_of(const std::string& page) const {
    for (size_t i = 0; i < scans_.size(); ++i)
      if (scans_[i].entry.path == page) return i;
    throw Error(ErrorKind::Usage, "the site has no page " + page + " any more", {},
                "the site changed after it was submitted; build it again");
  }

  // Passes 2 and 3: links checked, keys compared.
  std::vector<PageJob> plan_jobs() {
    make_links();
    StoreDigests store;
    KeyContext kc{project_, nav_digest_, req_.no_execute ? "no-execute" : "", store};
    bool all = req_.no_cache || req_.refresh;
    std::vector<PageJob> jobs;
    for (size_t i = 0; i < scans_.size(); ++i) {
      PageScan& page = scans_[i];
      doc::Document copy = page.doc;
      LinkReport links = links_->resolve(copy, page);
      for (const auto& f : links.files) linked_files_.insert(f);
      if (!links.errors.empty()) {
        for (const auto& e : links.errors) fail(page.entry.path, e);
        continue;
      }
      std::string key;
      try {
        key = page_key(kc, page, links);
      } catch (const Error& e) {
        fail(page.entry.path, Diagnostic{Severity::Error, e.message(), e.loc(), e.hint()});
        continue;
      }
      std::error_code ec;
      auto old = old_keys_.find(page.entry.path);
      if (!all && old != old_keys_.end() && old->second == key && fs::exists(project_.output / page.html, ec)) {
        new_keys_[page.entry.path] = key;
        ++out_.unchanged;
        continue;
      }
      jobs.push_back(PageJob{i, key, {}, {}});
    }
    return jobs;
  }

  // Pass 4a: the site's images a page to render runs in, each built once.
  void build_site_images(std::vector<PageJob>& jobs) {
    std::set<std::string> used;
    for (const auto& j : jobs) used.merge(project_images_used(scans_[j.index].plan));
    if (req_.no_execute) used.clear();
    for (const auto& image : project_.images) {
      if (!used.count(image.plan.name)) continue;
      exec::DocumentImage built = build_project_image(project_, image, rep_);
      if (built.cached_steps != built.steps) ++out_.images_built;
      images_[image.plan.name] = std::move(built);
    }
  }

  driver::PageContext site_page(const PageScan& page) {
    driver::PageContext sp = reading_context(project_);
    render::PageLayout& layout = sp.layout;
    layout.output_root = project_.output;
    size_t depth = std::count(page.html.begin(), page.html.end(), '/');
    for (size_t d = 0; d < depth; ++d) layout.root_prefix += "../";
    layout.template_path = templates_dir() / "site" / "page.html";
    size_t at = nav_index(page.html);
    layout.values = {{"site-title", escape_html(project_.title)},
                     {"root", layout.root_prefix},
                     {"nav", nav_html(nav_, page.html)},
                     {"prev", prev_html(nav_, at)},
                     {"next", next_html(nav_, at)},
                     {"site-provenance", layout.root_prefix + nav_.back().html}};
    sp.prepared_images = images_;
    const SiteLinks* links = &*links_;
    sp.transform = [links, &page](doc::Document& d) { links->resolve(d, page); };
    return sp;
  }

  // Pass 4b: pages rendered in child processes, --jobs at a time.
  void render_pages(std::vector<PageJob>& jobs) {
    unsigned parallel = req_.jobs ? req_.jobs : cores();
    fs::path results = project_.output / ".waybill-site.d";
    make_dirs(results);
    std::map<pid_t, size_t> running;
    size_t next = 0;
    while (next < jobs.size() || !running.empty()) {
      while (next < jobs.size() && running.size() < parallel) {
        PageJob& job = jobs[next];
        job.result = results / (std::to_string(next) + ".json");
        std::error_code ec;
        fs::remove(job.result, ec);
        job.site = site_page(scans_[job.index]);
        std::fflush(nullptr);
        pid_t pid = ::fork();
        if (pid < 0) throw Error::from_errno("start a process for", scans_[job.index].entry.path, errno);
        if (pid == 0) render_child(job, parallel > 1 && jobs.size() > 1);
        running[pid] = next++;
      }
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno == EINTR) continue;
        throw Error::from_errno("wait for", "a page", errno);
      }
      auto it = running.find(pid);
      if (it == running.end()) continue;
      finish(jobs[it->second], status);
      running.erase(it);
    }
    std::error_code ec;
    fs::remove(results, ec);  // empty by now
  }

  [[noreturn]] void render_child(const PageJob& job, bool parallel) {
    // `--serve` catches Ctrl-C in the parent; a page stops on it as in a plain render.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    const PageScan& page = scans_[job.index];
    PageReporter rep(rep_, page.entry.path, parallel);
    int code = 0;
    json result;
    try {
      driver::RenderRequest r;
      r.files = {project_.page_file(page.entry).string()};
      r.formats = {"html"};
      r.output_dir = (project_.output / fs::path(page.html).parent_path()).string();
      r.no_cache = req_.no_cache;
      r.refresh = req_.refresh;
      r.no_execute = req_.no_execute;
      r.stats_file = job.result.string() + ".stats";
      r.page = &job.site;
      r.grants = req_.grants;
      r.exiting_after = true;
      driver::render_documents(r, rep);
      auto stats = read_file_if_exists(r.stats_file);
      result = {{"ok", true}, {"stats", stats ? json::parse(*stats, nullptr, false) : json()}};
    } catch (const Error& e) {
      result = {{"ok", false}, {"error", error_json(e)}};
      code = 1;
    } catch (const std::exception& e) {
      result = {{"ok", false}, {"error", error_json(Error(ErrorKind::Internal, e.what()))}};
      code = 1;
    }
    try {
      write_file_atomic(job.result, result.dump());
    } catch (...) {
      code = 2;
    }
    std::fflush(nullptr);
    ::_exit(code);
  }

  void finish(const PageJob& job, int status) {
    const PageScan& page = scans_[job.index];
    finish(job, "rendering " + page.entry.path + " stopped " +
                    (WIFSIGNALED(status) ? "on signal " + std::to_string(WTERMSIG(status))
                                         : "with status " + std::to_string(WEXITSTATUS(status))));
  }

  // `stopped` says why when the page left no result; `engine_note`, what the batch
  // engine says of a page that failed with one (the page's own error says the rest).
  void finish(const PageJob& job, const std::string& stopped, const std::string& engine_note = {}) {
    const PageScan& page = scans_[job.index];
    auto text = read_file_if_exists(job.result);
    json r = text ? json::parse(*text, nullptr, false) : json();
    std::error_code ec;
    fs::remove(job.result, ec);
    fs::remove(job.result.string() + ".stats", ec);
    if (!r.is_object() || !r.value("ok", false)) {
      Diagnostic d = r.is_object() && r.contains("error")
                         ? diagnostic_of(r["error"], page.entry.path)
                         : Diagnostic{Severity::Error, stopped, SourceLoc{page.entry.path, 0, 0},
                                      "run `waybill render " + page.entry.path + "` to see it alone"};
      if (r.is_object() && r.contains("error") && !engine_note.empty()) d.message += " (" + engine_note + ")";
      fail(page.entry.path, d);
      return;
    }
    const json& stats = r["stats"];
    if (stats.is_object()) {
      out_.cells_run += stats.value("cells_run", 0u);
      out_.cells_cached += stats.value("cells_cached", 0u);
      out_.images_built += stats.value("images_built", 0u);
      if (auto t = stats.find("timings"); t != stats.end() && t->is_object())
        for (const auto& [stage, ms] : t->items())
          if (ms.is_number()) out_.timings[stage] += ms.get<double>();
    }
    new_keys_[page.entry.path] = job.key;
    out_.rendered.push_back(page.entry.path);
    out_.written.push_back(page.html);
    rep_.status("rendered " + page.entry.path + " → " + display_path(project_.output / page.html));
  }

  // Pass 4b on a batch engine: one task per page, each `waybill site --task-plan`, with
  // the images already in the shared store; their results are gathered as a local
  // build's are.
  // Returns false when detached (the job renders on; `--attach` gathers it).
  bool render_pages_in_batch(std::vector<PageJob>& jobs) {
    batch::require_slurm();
    batch::TaskArray array = task_array(jobs.size());
    BatchRequest b = req_.batch.over(project_.slurm).over(manifest_resources());
    batch::SlurmEngine engine({b.partition, b.account, b.qos, b.sbatch});
    std::string job = req_.batch.attach;
    if (job.empty()) {
      job = submit(engine, array, jobs, b);
      if (req_.batch.detach) {
        out_.job = job;
        rep_.status("follow it with: waybill site " + display_path(project_.root) + " --on slurm --attach " + job);
        return false;
      }
    }
    std::vector<batch::TaskState> states = batch::follow_tasks(engine, job, jobs.size(), rep_);
    for (size_t i = 0; i < jobs.size(); ++i) {
      jobs[i].result = batch_result_path(project_.output, i);
      fs::path log = engine.task_log(array, i);
      std::string reason = batch::task_reason(states[i], log);
      finish(jobs[i], "rendering " + scans_[jobs[i].index].entry.path + " on Slurm failed: " + batch::task_failure(states[i], log),
             reason.empty() || reason == "FAILED" ? "" : "Slurm ended its task: " + reason);
    }
    return true;
  }

  // The pages of the batch `--attach` names, with the keys they were submitted with.
  std::vector<PageJob> attached_jobs() {
    BatchPlan plan = read_batch_plan(batch_plan_path(project_.output));
    if (plan.job != req_.batch.attach)
      throw Error(ErrorKind::Usage,
                  "the site's last batch is " + (plan.job.empty() ? std::string("not submitted") : "job " + plan.job) +
                      ", not job " + req_.batch.attach,
                  {}, "attach to the job `waybill site --on slurm` printed when it submitted the site");
    std::vector<PageJob> jobs;
    for (const auto& p : plan.pages) jobs.push_back(PageJob{scan_of(p.page), p.key, {}, {}});
    return jobs;
  }

  batch::TaskArray task_array(size_t count) const {
    batch::TaskArray array;
    array.name = "waybill-site";
    array.count = count;
    array.parallel = req_.jobs;
    array.work_dir = fs::absolute(batch_dir(project_.output));
    return array;
  }

  std::string submit(batch::BatchEngine& engine, batch::TaskArray& array, const std::vector<PageJob>& jobs,
                     const BatchRequest& b) {
    BatchPlan plan;
    plan.grants = req_.grants;
    plan.no_cache = req_.no_cache;
    plan.refresh = req_.refresh;
    plan.no_execute = req_.no_execute;
    for (const auto& j : jobs) plan.pages.push_back({scans_[j.index].entry.path, j.key});
    fs::path plan_path = batch_plan_path(project_.output);
    std::error_code ec;
    fs::remove_all(batch_dir(project_.output) / "results", ec);
    fs::remove_all(batch_dir(project_.output) / "logs", ec);
    make_dirs(batch_dir(project_.output) / "results");
    write_batch_plan(plan_path, plan);
    array.command = {executable_path().string(), "site", fs::absolute(project_.root).string(), "--output",
                     fs::absolute(project_.output).string(), "--task-plan", fs::absolute(plan_path).string()};
    array.resources = {b.cpus, b.memory_bytes, std::chrono::seconds(b.time_seconds)};
    array.env = {"WAYBILL_HOME=" + fs::absolute(oci::default_home()).string()};
    plan.job = engine.submit(array);
    write_batch_plan(plan_path, plan);
    rep_.status("submitted Slurm job " + plan.job + ": " + std::to_string(jobs.size()) + " page(s), " +
                display_path(array.work_dir / "job.sh"));
    return plan.job;
  }

  // What a task asks for when neither the command line nor `slurm:` says: the site
  // manifest's limits for one cell, with room for waybill itself (512 MiB) and time
  // for the page's every cell (document-timeout) and its writing (10 minutes).
  BatchRequest manifest_resources() const {
    plan::LimitSettings l = plan::default_limits();  // what a cell gets when the manifest says nothing
    if (project_.manifest) {
      const plan::LimitSettings& m = project_.manifest->limits;
      if (m.cpus) l.cpus = m.cpus;
      if (m.memory_bytes) l.memory_bytes = m.memory_bytes;
      if (m.document_timeout) l.document_timeout = m.document_timeout;
    }
    BatchRequest r;
    if (l.cpus) r.cpus = static_cast<unsigned>(std::ceil(*l.cpus));
    if (l.memory_bytes) r.memory_bytes = *l.memory_bytes + (512ull << 20);
    if (l.document_timeout)
      r.time_seconds = std::chrono::duration_cast<std::chrono::seconds>(*l.document_timeout).count() + 600;
    return r;
  }

  // One task of a batch (render_pages_in_batch): the site read and planned as by the
  // submitter, then the one page rendered; exits with its status.
  [[noreturn]] void run_task() {
    BatchPlan plan = read_batch_plan(req_.task_plan);
    size_t index = batch::task_index_from_environment(plan.pages.size());
    // A requeued task's earlier run may have left a result: this run writes its own.
    fs::path result = fs::path(req_.task_plan).parent_path() / "results" / (std::to_string(index) + ".json");
    std::error_code ec;
    fs::remove(result, ec);
    try {
      batch::check_task_attempt();
      render_task_page(plan, index);
    } catch (const Error& e) {
      write_file_atomic(result, json{{"ok", false}, {"error", error_json(e)}}.dump());
      throw;
    }
  }

  [[noreturn]] void render_task_page(const BatchPlan& plan, size_t index) {
    req_.grants = plan.grants;
    req_.no_cache = plan.no_cache;
    req_.refresh = plan.refresh;
    req_.no_execute = plan.no_execute;
    project_ = load_project(req_.dir, req_.output, req_.grants.roots(req_.dir), rep_);
    scan_pages();
    make_navigation();
    make_links();
    size_t at = scan_of(plan.pages[index].page);
    std::vector<PageJob> jobs{PageJob{at, plan.pages[index].key, {}, batch_result_path(project_.output, index)}};
    build_site_images(jobs);
    jobs[0].site = site_page(scans_[at]);
    render_child(jobs[0], false);
  }

  // Pass 5.
  void write_site_files() {
    SiteFiles files{project_, scans_, nav_, linked_files_};
    for (auto& w : files.write(!out_.rendered.empty())) out_.written.push_back(std::move(w));
  }

  SiteRequest req_;  // a copy: a task takes its grants and flags from the batch plan
  Reporter& rep_;
  SiteOutcome out_;
  Project project_;
  fs::path state_path_;
  std::map<std::string, std::string> old_keys_, new_keys_;
  std::map<std::string, std::string> data_trees_;  // data image name -> tree_digest of its folder
  std::vector<PageScan> scans_;
  std::vector<NavPage> nav_;
  std::string nav_digest_;
  std::optional<SiteLinks> links_;
  std::set<std::string> linked_files_;
  std::map<std::string, exec::DocumentImage> images_;
};

}  // namespace

SiteOutcome build_site(const SiteRequest& request, Reporter& reporter) { return SiteBuild(request, reporter).run(); }

}  // namespace waybill::site
