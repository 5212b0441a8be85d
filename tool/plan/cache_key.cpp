#include "plan/cache_key.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "oci/sha256.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/report.hpp"
#include "util/safe_path.hpp"

namespace waybill::plan {

namespace {

// Bumped when the meaning of a cached result changes, so old entries stop matching.
constexpr int kKeyVersion = 1;

std::string digest_of(const nlohmann::json& j) { return sha256_hex(j.dump()); }

nlohmann::json common(const KeyParts& p) {
  return {{"v", kKeyVersion}, {"image", p.image_digest}, {"previous", p.previous}, {"inputs", p.inputs},
          {"settings", p.settings}};
}

// glob(3)'s result, freed however the scope ends.
struct GlobMatches {
  glob_t g{};
  int rc = 0;
  explicit GlobMatches(const std::string& pattern) : rc(::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g)) {}
  ~GlobMatches() { ::globfree(&g); }
  GlobMatches(const GlobMatches&) = delete;
  GlobMatches& operator=(const GlobMatches&) = delete;
  size_t size() const { return rc == 0 ? g.gl_pathc : 0; }
  const char* operator[](size_t i) const { return g.gl_pathv[i]; }
};


}  // namespace

std::string sha256_hex(std::string_view text) {
  oci::Sha256 h;
  h.update(text);
  return std::string(h.finish().hex());
}

DeclaredInputs hash_inputs(const Manifest& manifest, const std::filesystem::path& doc_dir, Reporter& reporter) {
  DeclaredInputs out;
  std::string base = doc_dir.empty() ? std::string(".") : doc_dir.string();
  for (const auto& pattern : manifest.inputs) {
    if (!pattern.empty() && pattern[0] == '/')
      throw Error(ErrorKind::Document, "inputs: `" + pattern + "` is absolute", manifest.loc,
                  "inputs are globs relative to the document, e.g. data/*.csv");
    GlobMatches matches(base + "/" + pattern);
    size_t before = out.files.size();
    for (size_t i = 0; i < matches.size(); ++i) {
      std::string rel = std::filesystem::path(matches[i]).lexically_relative(base).string();
      // Resolved beneath the document's directory: `../x` and links out of it are refused.
      BeneathResult file = open_beneath(base, rel, O_RDONLY);
      if (file.error == BeneathError::Escapes)
        throw Error(ErrorKind::Document, "inputs: `" + rel + "` lies outside the document's directory", manifest.loc,
                    "declare only files under " + base);
      if (!file.fd) continue;  // a directory or a dangling link: nothing to hash
      struct stat st{};
      if (::fstat(file.fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      out.files.push_back(InputFile{rel, "sha256:" + sha256_hex(read_fd(file.fd.get(), rel))});
    }
    if (out.files.size() == before)
      reporter.warn("inputs: `" + pattern + "` matches no file", manifest.loc, "globs are relative to the document");
  }
  std::sort(out.files.begin(), out.files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  out.files.erase(std::unique(out.files.begin(), out.files.end(),
                              [](const InputFile& a, const InputFile& b) { return a.path == b.path; }),
                  out.files.end());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : out.files) list.push_back({f.path, f.digest});
  out.digest = digest_of(list);
  return out;
}

std::string run_settings(const Manifest& m, const SessionPlan& session, const std::string& driver,
                         const std::map<std::string, std::string>& data_digests) {
  nlohmann::json j;
  j["network"] = m.network == NetworkSetting::Host ? "host" : "none";
  j["command"] = session.command;
  j["driver"] = driver;
  j["env"] = m.env;
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) j["source_date_epoch"] = epoch;  // passed to cells
  nlohmann::json mounts = nlohmann::json::array();
  for (const auto& mt : m.mounts) {
    if (mt.image.empty()) {
      mounts.push_back({mt.source, mt.target, mt.writable});
      continue;
    }
    auto digest = data_digests.find(mt.image);
    mounts.push_back({{"image", mt.image},
                      {"digest", digest == data_digests.end() ? std::string() : digest->second},
                      {"target", mt.target}});
  }
  j["mounts"] = mounts;
  const LimitSettings& l = m.limits;
  j["limits"] = {{"memory", l.memory_bytes.value_or(0)}, {"cpus", l.cpus.value_or(0)}, {"pids", l.pids.value_or(0)},
                 {"timeout", l.cell_timeout ? l.cell_timeout->count() : 0}};
  // A smaller output limit can refuse what a larger one kept.
  if (l.output_bytes || l.cell_output_bytes)
    j["output-limits"] = {l.output_bytes.value_or(0), l.cell_output_bytes.value_or(0)};
  return digest_of(j);
}

std::string cell_key(const KeyParts& parts, const doc::Cell& cell) {
  nlohmann::json j = common(parts);
  const doc::CellOptions& o = cell.options;
  j["cell"] = {{"language", cell.language}, {"code", cell.code}, {"warning", o.warning}, {"message", o.message},
               {"fig-format", o.fig_format}, {"fig-width", o.fig_width.value_or(0)},
               {"fig-height", o.fig_height.value_or(0)}, {"timeout", o.timeout.value_or(0)}};
  return digest_of(j);
}

std::string inline_key(const KeyParts& parts, const InlinePlan& expression) {
  nlohmann::json j = common(parts);
  j["inline"] = {{"language", expression.language}, {"code", expression.code}};
  return digest_of(j);
}

}  // namespace waybill::plan
