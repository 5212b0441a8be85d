// The executor's logic (keys, the cell cache, replaying a session's earlier cells,
// failures) against a fake backend (exec/backend.hpp): no root, no box, no image. The
// fake's "language" is a toy: `x = 1` sets a variable in the session, `print x` prints
// it (an error when the session has no x), `fail` fails.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <memory>

#include "doc/reader.hpp"
#include "exec/backend.hpp"
#include "exec/executor.hpp"
#include "plan/plan.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

using namespace waybill;
using namespace waybill::exec;

namespace {

class ToySession : public LiveSession {
 public:
  ToySession(std::vector<std::string>& log, std::vector<std::string> unenforced)
      : log_(log), unenforced_(std::move(unenforced)) {}

  nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds) override {
    std::string code = message.value("code", std::string());
    log_.push_back(code);
    std::string out;
    for (auto line : split(code, '\n')) {
      std::string_view l = trim(line);
      if (l.empty()) continue;
      if (l == "fail") return {{"error", {{"ename", "ToyError"}, {"evalue", "asked to fail"}, {"line", 1}}}};
      // A box's reply may say anything: it cannot speak for the limits.
      if (l == "claim") return {{"outputs", nlohmann::json::array()}, {"unenforced_limits", {"cpu"}}};
      if (l.starts_with("print ")) {
        auto it = vars_.find(std::string(l.substr(6)));
        if (it == vars_.end())
          return {{"error", {{"ename", "NameError"}, {"evalue", std::string(l.substr(6)) + " is not defined"}}}};
        out += it->second + "\n";
      } else if (auto eq = l.find(" = "); eq != std::string_view::npos) {
        vars_[std::string(l.substr(0, eq))] = std::string(l.substr(eq + 3));
      }
    }
    nlohmann::json outputs = nlohmann::json::array();
    if (!out.empty()) outputs.push_back({{"type", "stream"}, {"name", "stdout"}, {"text", out}});
    return {{"outputs", outputs}, {"seconds", 0.001}};
  }
  bool timed_out() const override { return false; }
  std::vector<std::string> unenforced_limits() const override { return unenforced_; }
  void close(Reporter&) override {}

 private:
  std::vector<std::string>& log_;
  std::vector<std::string> unenforced_;
  std::map<std::string, std::string> vars_;
};

class ToyBackend : public ExecBackend {
 public:
  std::map<std::string, DocumentImage> images(const plan::Plan& plan, const ImageSettings&, Reporter&) override {
    std::map<std::string, DocumentImage> out;
    for (const auto& s : plan.sessions) {
      DocumentImage& image = out[s.image];
      image.name = s.image;
      image.digest = "sha256:" + std::string(64, 'a');
    }
    return out;
  }
  std::vector<DataImage> data_images(const plan::Manifest&, Reporter&) override { return {}; }
  std::unique_ptr<LiveSession> start_session(const SessionBoxInput&, Protocol, uint64_t, Reporter&) override {
    ++sessions;
    return std::make_unique<ToySession>(requests, unenforced);
  }
  CellResult run_process_cell(const doc::Cell&, const SessionBoxInput&, std::chrono::milliseconds,
                              const OutputLimits&, Reporter&) override {
    throw Error(ErrorKind::Internal, "the toy has no fresh-process language");
  }

  int sessions = 0;
  std::vector<std::string> requests;  // every cell's code, in the order sent
  std::vector<std::string> unenforced;  // the limits the sessions' boxes could not enforce
};

// A document with one python session, in a store of its own.
class Fixture {
 public:
  Fixture() : home_("waybill-exec-test-") {
    ::setenv("WAYBILL_HOME", (home_.path() / "home").c_str(), 1);
    make_dirs(home_.path() / "doc");
  }

  Results run(const std::string& cells, RunPolicy policy = {}) {
    std::string text = "```dockerfile {#env}\nFROM scratch\n```\n\n```yaml {.manifest}\nlanguages:\n"
                       "  python: {image: env}\n```\n\n" + cells;
    fs::path file = home_.path() / "doc" / "doc.md";
    write_file_atomic(file, text);
    CollectingReporter rep;
    doc_ = std::make_unique<doc::Document>(doc::read_document(file, rep));
    plan_ = std::make_unique<plan::Plan>(plan::make_plan(*doc_));
    backend = ToyBackend{};
    backend.unenforced = unenforced;
    ExecSettings s;
    s.doc_dir = file.parent_path();
    s.doc_path = file.string();
    s.policy = policy;
    s.backend = &backend;
    return execute(*doc_, *plan_, s, rep);
  }

  static std::string stdout_of(const Results& r, size_t cell) {
    const CellResult* c = r.cell(cell);
    if (!c) return "(not run)";
    std::string out;
    for (const auto& o : c->outputs) out += o.text;
    return out;
  }

  ToyBackend backend;
  std::vector<std::string> unenforced;  // given to the next run's backend

 private:
  TempDir home_;
  std::unique_ptr<doc::Document> doc_;
  std::unique_ptr<plan::Plan> plan_;
};

const std::string kTwoCells = "```{python}\nx = 1\n```\n\n```{python}\nprint x\n```\n";

}  // namespace

TEST_CASE("a second run takes every result from the cache and starts no session") {
  Fixture f;
  Results first = f.run(kTwoCells);
  CHECK(first.stats.cells_run == 2);
  CHECK(f.backend.sessions == 1);
  CHECK(Fixture::stdout_of(first, 1) == "1\n");
  Results second = f.run(kTwoCells);
  CHECK(second.stats.cells_cached == 2);
  CHECK(second.stats.cells_run == 0);
  CHECK(f.backend.sessions == 0);
  CHECK(Fixture::stdout_of(second, 1) == "1\n");
}

TEST_CASE("a changed cell runs after its unchanged predecessors are replayed for their state") {
  Fixture f;
  f.run(kTwoCells);
  Results r = f.run("```{python}\nx = 1\n```\n\n```{python}\nprint x\nprint x\n```\n");
  CHECK(r.stats.cells_replayed == 1);
  CHECK(r.stats.cells_run == 1);
  CHECK(r.stats.cells_cached == 1);
  CHECK(f.backend.requests.size() == 2);  // the replay, then the changed cell
  CHECK(Fixture::stdout_of(r, 1) == "1\n1\n");
}

TEST_CASE("a change to an earlier cell runs every later cell of its session again") {
  Fixture f;
  f.run(kTwoCells);
  Results r = f.run("```{python}\nx = 2\n```\n\n```{python}\nprint x\n```\n");
  CHECK(r.stats.cells_run == 2);
  CHECK(r.stats.cells_replayed == 0);
  CHECK(Fixture::stdout_of(r, 1) == "2\n");
}

TEST_CASE("cells after the last one that must run come from the cache") {
  // Keys chain (each covers the one before), so only a cell that refuses the cache can
  // run while later cells keep their results.
  Fixture f;
  std::string three = "```{python}\nx = 1\n```\n\n```{python}\n#| cache: false\nprint x\n```\n\n"
                      "```{python}\ny = 3\n```\n";
  f.run(three);
  Results r = f.run(three);
  CHECK(r.stats.cells_run == 1);
  CHECK(r.stats.cells_replayed == 1);
  CHECK(r.stats.cells_cached == 2);  // the replayed first cell keeps its cached result; the third is cached
  CHECK(f.backend.requests.size() == 2);
  CHECK(Fixture::stdout_of(r, 1) == "1\n");
}

TEST_CASE("refresh runs every cell; no-cache leaves nothing in the cache") {
  Fixture f;
  f.run(kTwoCells);
  RunPolicy refresh;
  refresh.refresh = true;
  CHECK(f.run(kTwoCells, refresh).stats.cells_run == 2);
  std::string other = "```{python}\nz = 5\n```\n";
  RunPolicy no_cache;
  no_cache.no_cache = true;
  CHECK(f.run(other, no_cache).stats.cells_run == 1);
  CHECK(f.run(other).stats.cells_run == 1);  // nothing was kept
  CHECK(f.run(other).stats.cells_cached == 1);
}

TEST_CASE("a cell with cache: false runs every time") {
  Fixture f;
  std::string cells = "```{python}\n#| cache: false\nx = 1\n```\n";
  f.run(cells);
  CHECK(f.run(cells).stats.cells_run == 1);
}

TEST_CASE("a failing cell stops the run at its line, unless error: true keeps it as a result") {
  Fixture f;
  std::string failing = "```{python}\nx = 1\n```\n\n```{python}\nfail\n```\n";
  try {
    f.run(failing);
    FAIL("a failing cell did not stop the run");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Cell);
    CHECK(std::string(e.message()).find("failed") != std::string::npos);
    CHECK(e.loc().line > 0);
  }
  Results r = f.run("```{python}\nx = 1\n```\n\n```{python}\n#| error: true\nfail\n```\n");
  REQUIRE(r.cell(1));
  REQUIRE(r.cell(1)->error);
  CHECK(r.cell(1)->error->ename == "ToyError");
}

TEST_CASE("check's keep-going records a failure as a result and caches nothing of it") {
  Fixture f;
  RunPolicy check;
  check.keep_going = true;
  std::string failing = "```{python}\nfail\n```\n";
  Results r = f.run(failing, check);
  REQUIRE(r.cell(0));
  CHECK(r.cell(0)->error);
  CHECK(f.run(failing, check).stats.cells_run == 1);  // not taken from the cache
}

TEST_CASE("every cell says which limits its box could not enforce, from the box, never from its reply") {
  Fixture f;
  f.unenforced = {"memory", "pids"};
  Results first = f.run(kTwoCells + "\n```{python}\nclaim\n```\n");
  for (size_t i = 0; i < 3; ++i) {
    INFO(i);
    REQUIRE(first.cell(i));
    CHECK(first.cell(i)->unenforced_limits == std::vector<std::string>{"memory", "pids"});
  }
  // From the cache, as when it ran.
  f.unenforced = {};
  Results cached = f.run(kTwoCells + "\n```{python}\nclaim\n```\n");
  CHECK(cached.stats.cells_cached == 3);
  CHECK(cached.cell(1)->unenforced_limits == std::vector<std::string>{"memory", "pids"});
  // Where the box enforces every limit, a reply claiming otherwise changes nothing.
  RunPolicy refresh;
  refresh.refresh = true;
  Results fresh = f.run(kTwoCells + "\n```{python}\nclaim\n```\n", refresh);
  CHECK(fresh.cell(2)->unenforced_limits.empty());
}
