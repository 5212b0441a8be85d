#include "prov/record.hpp"

#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <random>

#include "oci/sha256.hpp"
#include "plan/cache_key.hpp"
#include "util/build_info.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::prov {

namespace {

using nlohmann::json;

constexpr const char* kStatementType = "https://in-toto.io/Statement/v1";
constexpr const char* kPredicateType = "https://slsa.dev/provenance/v1";

// {"sha256": HEX} from "sha256:HEX".
json digest_set(const std::string& digest) {
  auto colon = digest.find(':');
  if (colon == std::string::npos) return {{"sha256", digest}};
  return {{digest.substr(0, colon), digest.substr(colon + 1)}};
}

json text_digest(const std::string& text) { return {{"sha256", plan::sha256_hex(text)}}; }

// What a result's outputs were, each by kind and digest, in order.
json output_digests(const exec::CellResult& r) {
  json out = json::array();
  for (const auto& o : r.outputs) {
    switch (o.kind) {
      case exec::OutputKind::Stream: out.push_back({{"kind", o.name}, {"digest", text_digest(o.text)}}); break;
      case exec::OutputKind::Result: {
        json types = json::object();
        for (const auto& [mime, text] : o.data) types[mime] = text_digest(text);
        out.push_back({{"kind", "value"}, {"digest", types}});
        break;
      }
      case exec::OutputKind::Figure:
        out.push_back({{"kind", "figure"}, {"format", o.format}, {"digest", text_digest(o.base64)}});
        break;
      case exec::OutputKind::File:
        out.push_back({{"kind", "file"}, {"name", o.name}, {"digest", text_digest(o.base64)}});
        break;
    }
  }
  return out;
}

std::string status_of(const exec::CellResult& r) {
  if (!r.error) return "ok";
  return r.timed_out ? "timed out" : "error";
}

json byproduct(const std::string& name, const std::string& language, const std::string& image,
               const std::string& code, doc::Pos pos, const exec::CellResult& r) {
  json annotations = {{"language", language},
                      {"image", image},
                      {"line", pos.line},
                      {"code", text_digest(code)},
                      {"cacheKey", r.key},
                      {"cached", r.cached},
                      {"status", status_of(r)},
                      {"seconds", r.seconds},
                      {"outputs", output_digests(r)}};
  if (r.error) annotations["error"] = r.error->ename + ": " + r.error->evalue;
  // Said for every cell, so a reader knows which of the manifest's limits did not hold.
  if (!r.unenforced_limits.empty()) annotations["limitsNotEnforced"] = r.unenforced_limits;
  // The digest covers what the step produced, not how long it took, so that two runs
  // giving the same results give the same byproduct.
  json produced = {{"outputs", annotations["outputs"]}, {"error", annotations.value("error", "")}};
  return {{"name", name}, {"digest", text_digest(produced.dump())}, {"annotations", annotations}};
}

json byproducts(const RecordInput& in) {
  json out = json::array();
  if (!in.results) return out;
  const exec::Results& res = *in.results;
  const doc::Document& d = *in.document;
  auto image_digest = [&](const std::string& name) {
    auto it = res.images.find(name);
    return it == res.images.end() ? std::string() : it->second.digest;
  };
  for (const auto& c : d.cells) {
    const exec::CellResult* r = res.cell(c.index);
    if (!r) continue;
    out.push_back(byproduct("cell/" + c.name(), c.language, image_digest(res.cell_images[c.index]), c.code, c.fence, *r));
  }
  for (const auto& in : res.inlines) {
    if (!in.result) continue;
    const plan::InlinePlan& e = in.expression;
    out.push_back(byproduct("inline/" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col), e.language,
                            image_digest(in.image), e.code, e.pos, *in.result));
  }
  return out;
}

json dependencies(const RecordInput& in) {
  json deps = json::array();
  if (in.results) {
    for (const auto& [name, image] : in.results->images) {
      json a = {{"fromDocument", image.from_block}};
      // A document's own image is named in the store after the document's folder
      // (exec/images.cpp): a local name, which would make the record depend on where
      // the document was checked out. Its digest says what it is.
      if (!image.tag.empty() && !image.from_block) a["tag"] = image.tag;
      if (image.from_block) a["buildSteps"] = {{"total", image.steps}, {"cached", image.cached_steps}};
      deps.push_back({{"name", "image/" + (name.empty() ? std::string("default") : name)},
                      {"digest", digest_set(image.digest)},
                      {"annotations", a}});
      for (const auto& base : image.bases) {
        json b = {{"obtainedBy", base.origin}, {"usedBy", name}};
        if (!base.archive.empty()) b["archive"] = {{"path", display_path(base.archive)}, {"digest", base.archive_digest}};
        for (const auto& [k, v] : base.labels) b[k] = v;
        // A pulled base: the registry, the reference and the host that served it.
        std::string uri = "docker://" + base.reference;
        if (auto src = base.labels.find("org.waybill.source"); src != base.labels.end()) {
          uri = "docker://" + src->second;
          b["reference"] = src->second;
          b["registry"] = src->second.substr(0, src->second.find('/'));
          if (auto host = base.labels.find("org.waybill.source.host"); host != base.labels.end()) b["servedBy"] = host->second;
        }
        deps.push_back({{"name", "base/" + base.reference}, {"uri", uri}, {"digest", digest_set(base.digest)},
                        {"annotations", b}});
      }
    }
    // A data image is named by digest, with where it was mounted and where it came from.
    for (const auto& d : in.results->data) {
      json a = {{"mountedAt", d.target}, {"readOnly", true}, {"obtainedBy", d.origin}};
      std::string uri = "oci:" + d.name;
      if (auto src = d.labels.find("org.waybill.source"); src != d.labels.end()) {
        uri = "docker://" + src->second;
        a["reference"] = src->second;
      }
      deps.push_back({{"name", "data/" + d.name}, {"uri", uri + "@" + d.digest}, {"digest", digest_set(d.digest)},
                      {"annotations", a}});
    }
    for (const auto& f : in.results->inputs.files)
      deps.push_back({{"name", "input/" + f.path}, {"digest", digest_set(f.digest)}});
  }
  for (const auto& [path, what] : in.read_files)
    deps.push_back({{"name", what + "/" + display_path(path)}, {"digest", digest_set(file_digest(path))}});
  return deps;
}

json host() {
  utsname u{};
  ::uname(&u);
  return {{"waybill", build_info::version}, {"kernel", std::string(u.sysname) + " " + u.release},
          {"architecture", u.machine}};
}

}  // namespace

std::string file_digest(const std::filesystem::path& file) { return oci::sha256_of_file(file).str(); }

std::filesystem::path record_path(const std::filesystem::path& output_dir, const std::string& stem) {
  return output_dir / (stem + ".provenance.json");
}

std::string random_uuid() {
  std::random_device rd;
  unsigned char b[16];
  for (auto& c : b) c = static_cast<unsigned char>(rd());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json make_statement(const RecordInput& in) {
  json subjects = json::array();
  for (const auto& out : in.outputs) {
    uint64_t size = 0;
    oci::Digest d = oci::sha256_of_file(in.output_dir / out, &size);
    subjects.push_back({{"name", out.generic_string()},
                        {"digest", {{"sha256", std::string(d.hex())}}},
                        {"annotations", {{"size", size}}}});
  }
  json definition = {
      {"buildType", std::string("https://waybill.dev/buildtypes/render/v") + build_info::version},
      {"externalParameters",
       {{"document", {{"path", in.document->path}, {"digest", digest_set(in.document_digest)}}},
        {"options", in.options}}},
      {"resolvedDependencies", dependencies(in)}};
  json run = {{"builder", {{"id", "https://waybill.dev/builder/local"}, {"version", host()}}},
              {"metadata",
               {{"invocationId", in.invocation_id}, {"startedOn", in.started_on}, {"finishedOn", in.finished_on}}},
              {"byproducts", byproducts(in)}};
  return {{"_type", kStatementType},
          {"subject", subjects},
          {"predicateType", kPredicateType},
          {"predicate", {{"buildDefinition", definition}, {"runDetails", run}}}};
}

}  // namespace waybill::prov
