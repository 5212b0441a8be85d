#include "plan/trust.hpp"

#include <fcntl.h>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace waybill::plan {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTrustHint = "or run with --trust, for a document you trust (never for a stranger's)";

std::string ms_text(std::chrono::milliseconds ms) {
  auto s = ms.count() / 1000;
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

// A size as --limit and the manifest write it: 64g, 256m, 100k, or bytes.
std::string size_text(uint64_t b) {
  for (auto [unit, shift] : {std::pair{"g", 30}, std::pair{"m", 20}, std::pair{"k", 10}})
    if (b != 0 && b % (1ull << shift) == 0) return std::to_string(b >> shift) + unit;
  return std::to_string(b);
}

std::string count_text(uint64_t n) { return std::to_string(n); }

// One limit: the manifest's value over the default, within the ceiling.
template <class T, class Show>
void bound(std::optional<T>& value, const std::optional<T>& fallback, const std::optional<T>& ceiling,
           const char* key, const LimitSettings& asked, bool trust, Show show) {
  if (!value) {
    value = fallback;
    return;
  }
  if (trust || !ceiling || *value <= *ceiling) return;
  auto at = asked.where.find(key);
  throw Error(ErrorKind::Document,
              std::string("limits.") + key + " asks for " + show(*value) + ", more than this render allows (" +
                  show(*ceiling) + ")",
              at == asked.where.end() ? SourceLoc{} : at->second,
              std::string("raise the ceiling with --limit ") + key + "=" + show(*value) + ", " + kTrustHint);
}

}  // namespace

LimitSettings default_limits() {
  LimitSettings l;
  l.memory_bytes = 2ull << 30;
  l.pids = 1024;
  l.cell_timeout = std::chrono::minutes(10);
  l.document_timeout = std::chrono::hours(1);
  l.output_bytes = 8u << 20;
  l.cell_output_bytes = 16u << 20;
  l.document_output_bytes = 64u << 20;
  return l;
}

LimitSettings default_build_limits() {
  LimitSettings l;
  l.memory_bytes = 8ull << 30;
  l.pids = 4096;
  l.cell_timeout = std::chrono::hours(2);
  return l;
}

void set_ceiling(LimitSettings& c, const std::string& assignment) {
  auto eq = assignment.find('=');
  std::string key = assignment.substr(0, eq), value = eq == std::string::npos ? "" : assignment.substr(eq + 1);
  auto fail = [&](const std::string& why) {
    throw Error(ErrorKind::Usage, "--limit " + assignment + ": " + why, {},
                "write --limit KEY=VALUE, KEY one of memory, pids, timeout, document-timeout, output, cell-output, "
                "document-output; e.g. --limit memory=8g --limit timeout=2h");
  };
  if (eq == std::string::npos || value.empty()) fail("no value");
  if (key == "memory" || key == "output" || key == "cell-output" || key == "document-output") {
    auto bytes = parse_byte_size(value);
    if (!bytes || *bytes == 0) fail("not a size");
    (key == "memory" ? c.memory_bytes : key == "output" ? c.output_bytes
                       : key == "cell-output" ? c.cell_output_bytes : c.document_output_bytes) = *bytes;
  } else if (key == "pids") {
    char* end = nullptr;
    unsigned long long n = std::strtoull(value.c_str(), &end, 10);
    if (*end || n == 0 || n > 4194304) fail("not a number of processes");
    c.pids = n;
  } else if (key == "timeout" || key == "document-timeout") {
    auto d = parse_duration(value);
    if (!d || d->count() <= 0) fail("not a duration");
    (key == "timeout" ? c.cell_timeout : c.document_timeout) = *d;
  } else {
    fail("unknown limit `" + key + "`");
  }
}

LimitSettings effective_limits(const Manifest& m, const Grants& g) {
  LimitSettings d = default_limits(), out = m.limits, c = d;
  // A grant raises a ceiling; it never lowers one below the default.
  auto raise = [](auto& ceiling, const auto& granted) {
    if (granted && (!ceiling || *granted > *ceiling)) ceiling = granted;
  };
  raise(c.memory_bytes, g.ceilings.memory_bytes);
  raise(c.pids, g.ceilings.pids);
  raise(c.cell_timeout, g.ceilings.cell_timeout);
  raise(c.document_timeout, g.ceilings.document_timeout);
  raise(c.output_bytes, g.ceilings.output_bytes);
  raise(c.cell_output_bytes, g.ceilings.cell_output_bytes);
  raise(c.document_output_bytes, g.ceilings.document_output_bytes);
  auto size = size_text;
  auto count = count_text;
  bound(out.memory_bytes, d.memory_bytes, c.memory_bytes, "memory", m.limits, g.trust, size);
  bound(out.pids, d.pids, c.pids, "pids", m.limits, g.trust, count);
  bound(out.cell_timeout, d.cell_timeout, c.cell_timeout, "timeout", m.limits, g.trust, ms_text);
  bound(out.document_timeout, d.document_timeout, c.document_timeout, "document-timeout", m.limits, g.trust, ms_text);
  bound(out.output_bytes, d.output_bytes, c.output_bytes, "output", m.limits, g.trust, size);
  bound(out.cell_output_bytes, d.cell_output_bytes, c.cell_output_bytes, "cell-output", m.limits, g.trust, size);
  bound(out.document_output_bytes, d.document_output_bytes, c.document_output_bytes, "document-output", m.limits,
        g.trust, size);
  return out;
}

void check_privileges(const Manifest& m, const Grants& g, const fs::path& project, const fs::path& doc_dir) {
  for (const auto& base : m.bases)
    if (!base.archive.empty()) open_project_path(g.roots(project), doc_dir, base.archive, O_RDONLY, "the base archive", base.loc);
  if (g.trust) return;
  if (m.network == NetworkSetting::Host && !g.network)
    throw Error(ErrorKind::Document, "the manifest asks for the host's network, which this render does not allow",
                m.network_loc, std::string("allow it with --allow-network, ") + kTrustHint);
  PathRoots inside = PathRoots::of(project, {}, false);
  for (const auto& mount : m.mounts) {
    if (!mount.image.empty()) continue;  // data images are read-only and by digest
    fs::path source = fs::path(mount.source).is_absolute() ? fs::path(mount.source) : doc_dir / mount.source;
    bool granted = false;
    for (const auto& allowed : g.mounts) granted = granted || lies_beneath(PathRoots::of(allowed, {}, false), source);
    if (granted) continue;
    // A read-only folder of the project shows cells nothing /doc does not; but it must
    // really be in the project, links included.
    if (!mount.writable && lies_beneath(inside, source)) {
      open_project_path(inside, doc_dir, mount.source, O_PATH, "the mount source", mount.loc);
      continue;
    }
    throw Error(ErrorKind::Document,
                std::string("the manifest mounts ") + (mount.writable ? "writable " : "") + "`" + printable(mount.source) +
                    "`" + (lies_beneath(inside, source) ? "" : ", outside the project,") +
                    " which this render does not allow",
                mount.loc,
                "allow it with --allow-mount " + source.lexically_normal().string() + ", " + kTrustHint);
  }
}

std::string Grants::describe() const {
  if (trust) return "--trust";
  std::vector<std::string> parts;
  if (network) parts.push_back("--allow-network");
  for (const auto& m : mounts) parts.push_back("--allow-mount " + m.string());
  for (const auto& p : paths) parts.push_back("--allow-path " + p.string());
  auto limit = [&](const char* key, const auto& value, auto show) {
    if (value) parts.push_back(std::string("--limit ") + key + "=" + show(*value));
  };
  limit("memory", ceilings.memory_bytes, size_text);
  limit("pids", ceilings.pids, count_text);
  limit("timeout", ceilings.cell_timeout, ms_text);
  limit("document-timeout", ceilings.document_timeout, ms_text);
  limit("output", ceilings.output_bytes, size_text);
  limit("cell-output", ceilings.cell_output_bytes, size_text);
  limit("document-output", ceilings.document_output_bytes, size_text);
  return join(parts, ", ");
}

nlohmann::json Grants::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (trust) j["trust"] = true;
  if (network) j["network"] = true;
  for (const auto& m : mounts) j["mounts"].push_back(m.string());
  for (const auto& p : paths) j["paths"].push_back(p.string());
  nlohmann::json l = nlohmann::json::object();
  if (ceilings.memory_bytes) l["memory"] = *ceilings.memory_bytes;
  if (ceilings.pids) l["pids"] = *ceilings.pids;
  if (ceilings.cell_timeout) l["timeout"] = ceilings.cell_timeout->count() / 1000.0;
  if (ceilings.document_timeout) l["document-timeout"] = ceilings.document_timeout->count() / 1000.0;
  if (ceilings.output_bytes) l["output"] = *ceilings.output_bytes;
  if (ceilings.cell_output_bytes) l["cell-output"] = *ceilings.cell_output_bytes;
  if (ceilings.document_output_bytes) l["document-output"] = *ceilings.document_output_bytes;
  if (!l.empty()) j["limits"] = l;
  return j;
}

}  // namespace waybill::plan
