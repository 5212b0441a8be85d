// COPY, ADD and WORKDIR: changes the builder makes to the root itself, and turning an
// upper directory into a layer.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "build/build_state.hpp"
#include "build/file_copy.hpp"
#include "build/root_edit.hpp"
#include "build/syntax_args.hpp"
#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "oci/layer_unpack.hpp"
#include "oci/sha256.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/safe_path.hpp"
#include "util/strings.hpp"

namespace waybill::build {

namespace fs = std::filesystem;

namespace {

bool empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_empty(dir, ec);
}

std::string strip_tabs(const std::string& content) {
  std::string out;
  for (auto line : split_lines(content)) {
    while (!line.empty() && line[0] == '\t') line.remove_prefix(1);
    out.append(line);
    out += '\n';
  }
  return out;
}

void hash_file(oci::Sha256& h, int root_fd, const std::string& rel) {
  auto in = open_in_root(root_fd, rel, O_RDONLY);
  if (in.error != BeneathError::None) throw Error::from_errno("read", rel + " in the build context", in.err, ErrorKind::Io);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(in.fd.get(), buf, sizeof buf);
    if (n == 0) return;
    if (n < 0) throw Error::from_errno("read", rel, errno, ErrorKind::Io);
    h.update(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string context_digest(BuildRun& run, const std::vector<std::string>& patterns) {
  SourceRoot root{run.context.get(), "the build context", &run.ignore};
  oci::Sha256 h;
  auto entry = [&](const std::string& rel, const struct stat& st) {
    h.update(rel);
    h.update(std::string(1, '\0') + std::to_string(st.st_mode & (S_IFMT | 07777)) + '\0');
    if (S_ISREG(st.st_mode)) {
      hash_file(h, run.context.get(), rel);
    } else if (S_ISLNK(st.st_mode)) {
      h.update(read_link(root, rel));
    }
    h.update("\n");
  };
  for (const auto& pattern : patterns) {
    if (pattern.rfind("http://", 0) == 0 || pattern.rfind("https://", 0) == 0 || pattern.rfind("git@", 0) == 0)
      throw Error(ErrorKind::Document, "`" + pattern + "`: a URL is not supported as a source: builds have no downloads of "
                  "their own", {}, "download the file into the build context first, or fetch it in a RUN step");
    h.update("pattern " + pattern + "\n");
    for (const auto& m : match_sources(root, pattern)) {
      entry(m.path, m.st);
      if (S_ISDIR(m.st.st_mode)) walk_tree(root, m.path, entry);
    }
  }
  return h.finish().str();
}

const Heredoc* heredoc_source(const Instruction& in, const std::string& word) {
  if (in.node.heredocs.empty() || word.rfind("<<", 0) != 0) return nullptr;
  auto named = syntax::heredocs_in_line(word);
  if (named.size() != 1) return nullptr;
  for (const auto& h : in.node.heredocs)
    if (h.name == named[0].name) return &h;
  return nullptr;
}

void add_history(BuildRun& run, ImageState& state, const std::string& created_by, bool empty_layer) {
  nlohmann::json entry = {{"created", run.created}, {"created_by", created_by}, {"comment", "waybill"}};
  if (empty_layer) entry["empty_layer"] = true;
  auto& history = state.config.json["history"];
  if (!history.is_array()) history = nlohmann::json::array();
  history.push_back(entry);
}

void commit_upper(BuildRun& run, const fs::path& upper, const std::string& created_by, ImageState& state) {
  if (empty_dir(upper)) {
    add_history(run, state, created_by, true);
    return;
  }
  oci::PackOptions pack;
  pack.compression = run.options.compression;
  pack.source_date_epoch = run.options.source_date_epoch;
  pack.overlay_upper = true;
  oci::PackedLayer packed = oci::pack_layer(run.store, upper, pack);
  oci::UnpackedLayer unpacked = oci::unpack_layer(run.store, packed.descriptor, packed.diff_id);
  state.layers.push_back(packed.descriptor);
  state.layer_dirs.push_back(unpacked.dir);
  auto ids = state.config.diff_ids();
  ids.push_back(packed.diff_id);
  state.config.set_diff_ids(ids);
  add_history(run, state, created_by, false);
}

void copy_step(BuildRun& run, const Dockerfile& df, const Instruction& in, ImageState& state,
               const ImageState* from_state, const std::string& from_label) {
  for (const char* flag : {"parents", "exclude", "checksum", "keep-git-dir"})
    if (in.flag(flag))
      throw Error(ErrorKind::Document, std::string(op_name(in.op)) + " --" + flag + " is not supported yet", in.loc,
                  "leave it out: waybill builds the rest of BuildKit's syntax");
  EnvLookup env = stage_env(state);
  ShellWordOptions words = word_options(df);
  CopyRequest request;
  const auto& args = in.args();
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (const Heredoc* doc = heredoc_source(in, args[i])) {
      std::string content = doc->chomp ? strip_tabs(doc->content) : doc->content;
      if (doc->expand) content = expand_word(content, env, ShellWordOptions{words.escape, true, true});
      request.inline_files.push_back({doc->name, content});
    } else {
      request.sources.push_back(expand_word(args[i], env, words));
    }
  }
  std::string dest = expand_word(args.back(), env, words);
  if (dest.empty() || dest[0] != '/') {
    std::string wd = workdir_of(state);
    dest = (wd == "/" ? "/" : wd + "/") + dest;
  }
  request.dest = dest;
  request.chown = expand_word(in.flag("chown").value_or(""), env, words);
  try {
    request.chmod = parse_chmod(in.flag("chmod").value_or(""));
  } catch (Error& e) {
    throw e.with_loc_if_unknown(in.loc);
  }
  request.extract_archives = in.op == Op::Add;
  for (const auto& s : request.sources)
    if (in.op == Op::Add && (s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("git@", 0) == 0))
      throw Error(ErrorKind::Document, "ADD from a URL is not supported: builds have no downloads of their own", in.loc,
                  "download the file into the build context first, or fetch it in a RUN step");

  TempDir step("copy-", run.store.tmp_dir());
  fs::path upper = step.path() / "upper", work = step.path() / "work", scratch = step.path() / "scratch";
  make_dirs(upper);
  make_dirs(work);
  make_dirs(scratch);
  request.scratch = scratch;
  std::vector<Layers> sources;
  if (from_state) sources.push_back(Layers{from_state->layer_dirs});
  int context_fd = run.context.get();
  const IgnoreRules* ignore = &run.ignore;
  try {
    edit_root(Layers{state.layer_dirs}, upper, work, sources, scratch, [&](const EditRoots& roots) {
      SourceRoot source = from_state ? SourceRoot{roots.sources[0], "stage " + from_label, nullptr}
                                     : SourceRoot{context_fd, "the build context", ignore};
      copy_into_root(roots.target, source, request);
    });
  } catch (Error& e) {
    if (!e.loc().known()) throw Error(e.kind(), std::string(op_name(in.op)) + ": " + e.message(), in.loc, e.hint());
    throw;
  }
  commit_upper(run, upper, in.text() + " # waybill", state);
}

void workdir_step(BuildRun& run, const std::string& path, ImageState& state) {
  TempDir step("workdir-", run.store.tmp_dir());
  fs::path upper = step.path() / "upper", work = step.path() / "work", scratch = step.path() / "scratch";
  make_dirs(upper);
  make_dirs(work);
  make_dirs(scratch);
  std::string user = runtime_string(state, "User");
  edit_root(Layers{state.layer_dirs}, upper, work, {}, scratch,
            [&](const EditRoots& roots) { make_dir_in_root(roots.target, path, user); });
  commit_upper(run, upper, "WORKDIR " + path + " # waybill", state);
}

}  // namespace waybill::build
