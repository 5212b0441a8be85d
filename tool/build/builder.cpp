#include "build/builder.hpp"

#include <fcntl.h>

#include <chrono>
#include <ctime>

#include "box/environment.hpp"
#include "build/build_state.hpp"
#include "oci/image_ops.hpp"
#include "oci/layer_unpack.hpp"
#include "oci/sha256.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- the build cache: cache/build/<key>.json holds the image state after a step ----

fs::path cache_file(const BuildRun& run, const std::string& key) { return run.store.cache_dir() / "build" / (key + ".json"); }

std::optional<ImageState> load_cached(BuildRun& run, const std::string& key, const ImageState& current) {
  auto text = read_file_if_exists(cache_file(run, key));
  if (!text) return std::nullopt;
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || j.value("format", 0) != 1) return std::nullopt;
  ImageState state;
  state.config.json = j["config"];
  state.shell = j["shell"].get<std::vector<std::string>>();
  auto ids = state.config.diff_ids();
  if (ids.size() != j["layers"].size()) return std::nullopt;
  for (size_t i = 0; i < ids.size(); ++i) {
    oci::Descriptor d = oci::parse_descriptor(j["layers"][i], "a cached layer");
    if (!run.store.has_blob(d.digest)) return std::nullopt;  // pruned since: build again
    state.layers.push_back(d);
    // The parent's layers come first and are unpacked already; only the step's own
    // layer may need unpacking.
    bool parents = i < current.layers.size() && current.layers[i].digest == d.digest;
    state.layer_dirs.push_back(parents ? current.layer_dirs[i] : oci::unpack_layer(run.store, d, ids[i]).dir);
  }
  // What is in the key but not in the image: the values in scope, and whether this
  // stage set CMD.
  state.args = current.args;
  state.cmd_set = current.cmd_set;
  state.key = key;
  return state;
}

void save_cached(BuildRun& run, const ImageState& state) {
  json layers = json::array();
  for (const auto& d : state.layers) layers.push_back(oci::to_json(d));
  json j = {{"format", 1}, {"config", state.config.json}, {"shell", state.shell}, {"layers", layers}};
  make_dirs(run.store.cache_dir() / "build");
  write_file_atomic(cache_file(run, state.key), j.dump());
}

std::string created_time(const BuildOptions& options) {
  if (options.source_date_epoch) return oci::rfc3339(*options.source_date_epoch);
  return oci::rfc3339(static_cast<int64_t>(std::time(nullptr)));
}

class StageRunner {
 public:
  StageRunner(BuildRun& run, const Dockerfile& df) : run_(run), df_(df) {}

  const ImageState& build(const Stage& stage) {
    if (auto it = built_.find(stage.index); it != built_.end()) return it->second;
    if (!building_.insert(stage.index).second)
      throw Error(ErrorKind::Document, "stage " + stage.label() + " depends on itself", stage.from.loc);
    ImageState state = base_state(stage);
    size_t total = stage.steps.size() + 1;
    run_.reporter.status(step_label(stage, 1, total) + stage.from.text());
    run_triggers(stage, state);
    for (size_t i = 0; i < stage.steps.size(); ++i) step(stage, i + 2, total, stage.steps[i], state);
    building_.erase(stage.index);
    return built_.emplace(stage.index, std::move(state)).first->second;
  }

 private:
  // "[build 3/7] ", as BuildKit numbers steps: per stage, by name ("stage-1" when
  // unnamed), without a name when there is only one stage.
  std::string step_label(const Stage& stage, size_t number, size_t total) const {
    std::string name = !stage.name.empty() ? stage.name + " " : df_.stages.size() > 1 ? "stage-" + std::to_string(stage.index) + " " : "";
    return "[" + name + std::to_string(number) + "/" + std::to_string(total) + "] ";
  }

  EnvLookup meta_env() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = run_.meta_args.find(std::string(name));
      if (it == run_.meta_args.end()) return std::nullopt;
      return it->second;
    };
  }

  ImageState base_state(const Stage& stage) {
    std::string base = expand_word(stage.base, meta_env(), word_options(df_));
    if (auto platform = stage.from.flag("platform")) {
      std::string wanted = expand_word(*platform, meta_env(), word_options(df_));
      std::string here = "linux/" + oci::host_architecture();
      if (wanted != here)
        throw Error(ErrorKind::Document, "FROM --platform=" + wanted + ": waybill builds for this machine only (" + here + ")",
                    stage.from.loc, "remove --platform, or build on a " + wanted + " machine");
    }
    ImageState state;
    if (base == "scratch") {
      state.config = oci::new_image_config(run_.created);
      state.config.json.erase("created");
      state.key = hash_key("", "scratch");
      return state;
    }
    if (const Stage* earlier = df_.find_stage(base); earlier && earlier->index < stage.index) {
      state = build(*earlier);
      state.args.clear();
      state.cmd_set = false;  // for this stage, the earlier stage's CMD is the base's
      state.key = hash_key(state.key, "stage");
      return state;
    }
    auto entry = run_.store.find(base);
    std::string origin = "store";
    bool seen = false;
    for (const auto& b : run_.bases) seen = seen || b.reference == base;
    if ((!entry || (run_.options.policy.refresh_bases && !seen)) && run_.options.obtain_base) {
      if (auto how = run_.options.obtain_base(base, stage.from.loc)) {
        origin = *how;
        entry = run_.store.find(base);
      }
    }
    if (!entry)
      throw Error(ErrorKind::Document, "the image `" + base + "` is not in the store", stage.from.loc,
                  "put it there first (waybill image load, import, bootstrap or pull), or say how to get it in the "
                  "manifest's `bases`");
    oci::StoredImage image = run_.store.image(*entry);
    if (!seen) {
      BaseUse use{base, image.manifest_digest, origin, {}};
      for (const auto& [k, v] : image.config.labels())
        if (k.starts_with("org.waybill.")) use.labels[k] = v;
      // Where a pulled base came from is kept beside it in the store's index.
      for (const auto& [k, v] : entry->manifest.annotations)
        if (k.starts_with("org.waybill.source")) use.labels[k] = v;
      run_.bases.push_back(std::move(use));
    }
    state.config = image.config;
    auto ids = image.config.diff_ids();
    for (size_t i = 0; i < image.manifest.layers.size() && i < ids.size(); ++i) {
      state.layers.push_back(image.manifest.layers[i]);
      state.layer_dirs.push_back(oci::unpack_layer(run_.store, image.manifest.layers[i], ids[i], &run_.reporter).dir);
    }
    state.key = hash_key("", "image " + image.manifest_digest.str());
    return state;
  }

  // ONBUILD instructions of the base image run first, and do not pass on further.
  void run_triggers(const Stage& stage, ImageState& state) {
    json& runtime = state.config.runtime();
    if (!runtime.contains("OnBuild") || !runtime["OnBuild"].is_array() || runtime["OnBuild"].empty()) {
      runtime.erase("OnBuild");
      return;
    }
    std::vector<std::string> triggers;
    for (const auto& t : runtime["OnBuild"])
      if (t.is_string()) triggers.push_back(t.get<std::string>());
    runtime.erase("OnBuild");
    state.key = hash_key(state.key, "onbuild cleared");
    for (size_t i = 0; i < triggers.size(); ++i) {
      ParseSource source{stage.from.loc.file, stage.from.loc.line - 2};
      Dockerfile trigger = read_dockerfile("FROM scratch\n" + triggers[i], source);
      if (trigger.stages.empty() || trigger.stages[0].steps.size() != 1)
        throw Error(ErrorKind::Document, "the base image's ONBUILD `" + triggers[i] + "` is not one instruction", stage.from.loc);
      run_.reporter.status("[" + stage.label() + " onbuild " + std::to_string(i + 1) + "/" + std::to_string(triggers.size()) + "] " +
                           trigger.stages[0].steps[0].text());
      step(stage, 1, stage.steps.size() + 1, trigger.stages[0].steps[0], state);
    }
  }

  const ImageState* copy_source(const Instruction& in, const ImageState& state, std::string& label, std::string& key) {
    auto from = in.flag("from");
    if (!from) return nullptr;
    std::string name = expand_word(*from, stage_env(state), word_options(df_));
    if (const Stage* s = df_.find_stage(name)) {
      label = s->label();
      const ImageState& source = build(*s);
      key = source.key;
      return &source;
    }
    auto entry = run_.store.find(name);
    if (!entry)
      throw Error(ErrorKind::Document, "COPY --from=" + name + ": no stage or image has that name", in.loc,
                  "name an earlier stage (FROM ... AS NAME) or an image in the store");
    auto [it, added] = images_.try_emplace(name);
    if (added) {
      oci::StoredImage image = run_.store.image(*entry);
      auto ids = image.config.diff_ids();
      for (size_t i = 0; i < image.manifest.layers.size() && i < ids.size(); ++i)
        it->second.layer_dirs.push_back(oci::unpack_layer(run_.store, image.manifest.layers[i], ids[i]).dir);
      it->second.key = image.manifest_digest.str();
    }
    label = name;
    key = it->second.key;
    return &it->second;
  }

  // What the cache key covers, besides the parent: the expanded instruction and the
  // content it reads.
  std::string describe(const Instruction& in, const ImageState& state, std::string& copy_label,
                       const ImageState*& copy_from) {
    std::string d = std::string(op_name(in.op)) + (in.node.json ? " json" : "");
    for (const auto& f : in.flags) d += " --" + f.name + "=" + f.value.value_or("");
    for (const auto& a : in.args()) d += "\n" + a;
    for (const auto& h : in.node.heredocs) d += "\n<<" + h.name + "\n" + h.content;
    if (in.op == Op::Run) {
      d += "\nnetwork " + std::to_string(static_cast<int>(run_.options.network));
      for (const auto& a : state.args) d += "\narg " + a.first + "=" + a.second;
    }
    if (in.op == Op::Copy || in.op == Op::Add) {
      EnvLookup env = stage_env(state);
      std::string source_key;
      copy_from = copy_source(in, state, copy_label, source_key);
      std::vector<std::string> patterns;
      for (size_t i = 0; i + 1 < in.args().size(); ++i) {
        if (heredoc_source(in, in.args()[i])) continue;
        patterns.push_back(expand_word(in.args()[i], env, word_options(df_)));
      }
      for (const auto& p : patterns) d += "\nsource " + p;
      d += "\ndest " + expand_word(in.args().back(), env, word_options(df_));
      d += "\nchown " + expand_word(in.flag("chown").value_or(""), env, word_options(df_));
      if (copy_from) {
        d += "\nfrom " + source_key;
      } else if (!patterns.empty()) {
        try {
          d += "\ncontent " + context_digest(run_, patterns);
        } catch (Error& e) {
          throw Error(e.kind(), std::string(op_name(in.op)) + ": " + e.message(), in.loc, e.hint());
        }
      }
    }
    return d;
  }

  void step(const Stage& stage, size_t number, size_t total, const Instruction& in, ImageState& state) {
    std::string label = step_label(stage, number, total);
    ++run_.steps;
    auto started = std::chrono::steady_clock::now();
    bool changes_files = in.op == Op::Run || in.op == Op::Copy || in.op == Op::Add || in.op == Op::Workdir;
    if (!changes_files) {
      apply_config(in, state);
      // Cached too, for the history entry's time: a rebuild that ends with ENV or CMD
      // must give the very same image.
      if (!run_.options.policy.no_cache) {
        if (auto hit = load_cached(run_, state.key, state)) {
          ++run_.cached;
          run_.reporter.status(label + "CACHED " + in.text());
          state = std::move(*hit);
          return;
        }
      }
      save_cached(run_, state);
      run_.reporter.status(label + in.text());
      return;
    }
    std::string copy_label;
    const ImageState* copy_from = nullptr;
    std::string workdir;
    std::string description;
    if (in.op == Op::Workdir) {
      workdir = resolve_workdir(in, state);
      description = "WORKDIR " + workdir + "\nuser " + runtime_string(state, "User");
    } else {
      description = describe(in, state, copy_label, copy_from);
    }
    std::string key = hash_key(state.key, description);
    if (!run_.options.policy.no_cache) {
      if (auto hit = load_cached(run_, key, state)) {
        ++run_.cached;
        run_.reporter.status(label + "CACHED " + in.text());
        state = std::move(*hit);
        return;
      }
    }
    bool compact = run_.reporter.redraws();
    if (compact) run_.reporter.activity(label + in.text() + " ...");
    else run_.reporter.status(label + in.text());
    if (in.op == Op::Run) run_step(run_, in, state, label);
    else if (in.op == Op::Workdir) {
      set_runtime(state, "WorkingDir", workdir);
      workdir_step(run_, workdir, state);
    } else {
      copy_step(run_, df_, in, state, copy_from, copy_label);
    }
    state.key = key;
    save_cached(run_, state);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (compact) run_.reporter.status(label + in.text() + "  " + format_duration_ms(seconds * 1000));
    else run_.reporter.status(label + "done in " + format_duration_ms(seconds * 1000));
  }

  std::string resolve_workdir(const Instruction& in, const ImageState& state) {
    std::string path = expand_word(in.args()[0], stage_env(state), word_options(df_));
    if (path.empty() || path[0] != '/') {
      path = workdir_of(state) + "/" + path;
    }
    return clean_path(path);
  }

  static void set_runtime(ImageState& state, const char* key, json value) { state.config.runtime()[key] = std::move(value); }

  void apply_config(const Instruction& in, ImageState& state) { apply_config_step(run_, df_, in, state); }

  BuildRun& run_;
  const Dockerfile& df_;
  std::map<size_t, ImageState> built_;
  std::set<size_t> building_;
  std::map<std::string, ImageState> images_;  // COPY --from=IMAGE
};

void resolve_meta_args(BuildRun& run, const Dockerfile& df) {
  ShellWordOptions words = word_options(df);
  // BuildKit's automatic platform arguments, for FROM --platform=$BUILDPLATFORM and the like.
  std::string arch = oci::host_architecture();
  for (const char* prefix : {"BUILD", "TARGET"}) {
    std::string p(prefix);
    run.meta_args[p + "PLATFORM"] = "linux/" + arch;
    run.meta_args[p + "OS"] = "linux";
    run.meta_args[p + "ARCH"] = arch;
  }
  for (const auto& in : df.meta_args) {
    for (const auto& decl : arg_declarations(in)) {
      std::optional<std::string> value;
      if (auto it = run.build_args.find(decl.name); it != run.build_args.end()) value = it->second;
      else if (decl.default_value)
        value = expand_word(*decl.default_value, [&](std::string_view n) -> std::optional<std::string> {
          auto it = run.meta_args.find(std::string(n));
          return it == run.meta_args.end() ? std::nullopt : it->second;
        }, words);
      run.consumed.insert(decl.name);
      run.meta_args[decl.name] = value;
    }
  }
}

}  // namespace

std::string hash_key(const std::string& parent, const std::string& description) {
  return std::string(oci::Digest::sha256_of(parent + "\n" + description).hex());
}

std::string runtime_string(const ImageState& state, const char* key) {
  const auto* rt = state.config.runtime();
  if (!rt || !rt->contains(key) || !(*rt)[key].is_string()) return "";
  return (*rt)[key].get<std::string>();
}

EnvLookup stage_env(const ImageState& state) {
  std::vector<std::string> env = config_env(state);
  std::map<std::string, std::string> args = state.args;
  return [env = std::move(env), args = std::move(args)](std::string_view name) -> std::optional<std::string> {
    if (auto value = box::env_get(env, name)) return value;
    if (auto a = args.find(std::string(name)); a != args.end()) return a->second;
    return std::nullopt;
  };
}

ShellWordOptions word_options(const Dockerfile& df) {
  ShellWordOptions o;
  o.escape = df.escape;
  return o;
}

std::vector<std::string> config_env(const ImageState& state) {
  const auto* rt = state.config.runtime();
  if (!rt || !rt->contains("Env") || !(*rt)["Env"].is_array()) return {};
  std::vector<std::string> env;
  for (const auto& e : (*rt)["Env"])
    if (e.is_string()) env.push_back(e.get<std::string>());
  return env;
}

void set_config_env(ImageState& state, const std::string& name, const std::string& value) {
  std::vector<std::string> env = config_env(state);
  box::env_set(env, name + "=" + value);
  state.config.runtime()["Env"] = env;
}

std::string workdir_of(const ImageState& state) {
  std::string wd = runtime_string(state, "WorkingDir");
  return wd.empty() ? "/" : wd;
}

BuildResult build_image(const oci::Store& store, const BuildOptions& options, Reporter& reporter) {
  Dockerfile df = read_dockerfile(options.dockerfile, options.source);
  for (const auto& w : df.warnings) reporter.warn(w);
  BuildRun run(store, options, reporter);
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  run.created = created_time(options);
  for (const auto& [k, v] : options.build_args) run.build_args[k] = v;
  run.context.reset(::open(options.context.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!run.context)
    throw Error(ErrorKind::Usage, "the build context `" + options.context.string() + "` is not a directory", {},
                "give the directory COPY reads from, e.g. `waybill build .`");
  if (auto ignore = read_file_if_exists(options.context / ".dockerignore")) run.ignore = IgnoreRules(*ignore);
  resolve_meta_args(run, df);

  const Stage* target = options.target.empty() ? &df.stages.back() : df.find_stage(options.target);
  if (!target) {
    std::vector<std::string> names;
    for (const auto& s : df.stages)
      if (!s.name.empty()) names.push_back(s.name);
    throw Error(ErrorKind::Usage, "no stage is named `" + options.target + "`", {},
                names.empty() ? "the Dockerfile names no stages (FROM IMAGE AS NAME)" : "stages: " + join(names, ", "));
  }
  StageRunner runner(run, df);
  ImageState final_state = runner.build(*target);

  for (const auto& [name, value] : run.build_args)
    if (!run.consumed.count(name) && name != "SOURCE_DATE_EPOCH")
      reporter.warn("the build argument " + name + " was not used: no ARG declares it");
  oci::ImageConfig config = final_state.config;
  // The time of the last step that ran (as BuildKit does): a fully cached rebuild gives
  // the very same image.
  std::string created = run.created;
  const auto& history = config.json["history"];
  if (!options.source_date_epoch && history.is_array() && !history.empty() && history.back().contains("created"))
    created = history.back()["created"].get<std::string>();
  config.json["created"] = created;
  oci::Descriptor manifest = oci::store_image(store, config, final_state.layers);
  for (const auto& tag : options.tags) store.set_name(tag, manifest);
  if (options.tags.empty()) store.add_unnamed(manifest);
  return BuildResult{manifest, run.steps, run.cached, run.bases};
}

}  // namespace waybill::build
