#include "prov/lock.hpp"

#include "plan/cache_key.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace waybill::prov {

namespace {

using nlohmann::json;

std::string digest_of(std::string_view bytes) { return "sha256:" + plan::sha256_hex(bytes); }

bool is_text_mime(const std::string& mime) { return mime.starts_with("text/") || mime == "application/json"; }

LockedOutput text_output(std::string kind, std::string_view text, bool mask_addresses) {
  LockedOutput o;
  o.kind = std::move(kind);
  o.text = normalise_text(text, mask_addresses);
  o.digest = digest_of(o.text);
  return o;
}

bool wants_pixels(const doc::Cell* cell) { return cell && cell->options.check.pixels.has_value(); }

std::vector<LockedOutput> lock_outputs(const exec::CellResult& r, const doc::Cell* cell, bool mask) {
  std::vector<LockedOutput> out;
  mask = mask && !(cell && cell->options.check.addresses);
  for (const auto& o : r.outputs) {
    switch (o.kind) {
      case exec::OutputKind::Stream: out.push_back(text_output(o.name, o.text, mask)); break;
      case exec::OutputKind::Result:
        for (const auto& [mime, text] : o.data) {
          if (is_text_mime(mime)) {
            out.push_back(text_output(mime, text, mask));
          } else {
            LockedOutput b;
            b.kind = mime;
            b.digest = digest_of(base64_decode(text).value_or(text));
            out.push_back(std::move(b));
          }
        }
        break;
      case exec::OutputKind::Figure:
      case exec::OutputKind::File: {
        LockedOutput f;
        f.kind = o.kind == exec::OutputKind::Figure ? "figure" : "file";
        f.name = o.kind == exec::OutputKind::Figure ? o.format : o.name;
        std::string bytes = base64_decode(o.base64).value_or("");
        f.digest = digest_of(bytes);
        bool png = f.name == "png" || f.name.ends_with(".png");
        if (png && wants_pixels(cell)) f.pixels = o.base64;
        out.push_back(std::move(f));
        break;
      }
    }
  }
  if (r.error) out.push_back(text_output("error", r.error->ename + ": " + r.error->evalue, mask));
  return out;
}

nlohmann::ordered_json output_to_json(const LockedOutput& o) {
  nlohmann::ordered_json j = {{"kind", o.kind}};
  if (!o.name.empty()) j["name"] = o.name;
  if (o.is_text()) j["text"] = o.text;
  j["digest"] = o.digest;
  if (!o.pixels.empty()) j["pixels"] = o.pixels;
  return j;
}

std::string step_digest(const std::vector<LockedOutput>& outputs) {
  json j = json::array();
  for (const auto& o : outputs) j.push_back({{"kind", o.kind}, {"name", o.name}, {"digest", o.digest}});
  return digest_of(j.dump());
}

LockedStep locked_step(std::string name, const std::string& language, const std::string& image, int line,
                       const exec::CellResult& r, const doc::Cell* cell, bool mask) {
  LockedStep s;
  s.name = std::move(name);
  s.language = language;
  s.image = image;
  s.line = line;
  s.status = !r.error ? "ok" : r.timed_out ? "timed out" : "error";
  s.outputs = lock_outputs(r, cell, mask);
  s.digest = step_digest(s.outputs);
  s.seconds = r.seconds;
  return s;
}

[[noreturn]] void malformed(const std::string& file, const std::string& what) {
  throw Error(ErrorKind::Document, "the lock file is malformed: " + what, SourceLoc{file, 0, 0},
              "write it again with `waybill render --lock`");
}

}  // namespace

bool LockedOutput::is_text() const {
  return kind == "stdout" || kind == "stderr" || kind == "error" || is_text_mime(kind);
}

namespace {

// Where a repr names a memory address: Python's `<... at 0x7f...>`, R's
// `<environment: 0x55...>`, `<bytecode: ...>`, `<pointer: ...>`.
bool address_follows(const std::string& out) {
  for (std::string_view before : {" at ", "<environment: ", "<bytecode: ", "<pointer: "})
    if (out.size() >= before.size() && std::string_view(out).substr(out.size() - before.size()) == before) return true;
  return false;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::string normalise_text(std::string_view text, bool mask_addresses) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {  // CSI ... final byte
      size_t j = i + 2;
      while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7e)) ++j;
      i = j;
      continue;
    }
    if (mask_addresses && c == '0' && i + 1 < text.size() && text[i + 1] == 'x' && address_follows(out)) {
      size_t j = i + 2;
      while (j < text.size() && is_hex(text[j])) ++j;
      if (j - i - 2 >= 4) {
        out += "0x...";
        i = j - 1;
        continue;
      }
    }
    if (c == '\n') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    }
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n')) out.pop_back();
  return out;
}

std::string step_name(const doc::Cell& cell) { return "cell/" + cell.name(); }

std::string step_name(const plan::InlinePlan& e) {
  return "inline/" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col);
}

Lock make_lock(const doc::Document& d, const exec::Results& res, int version) {
  Lock lock;
  lock.version = version;
  bool mask = version >= 2;
  lock.document = std::filesystem::path(d.path).filename().string();  // the lock sits beside it
  for (const auto& [name, image] : res.images) {
    LockedImage li{image.digest, {}};
    for (const auto& b : image.bases) li.bases[b.reference] = b.digest;
    lock.images[name] = std::move(li);
  }
  for (const auto& f : res.inputs.files) lock.inputs[f.path] = f.digest;
  for (const auto& c : d.cells) {
    const exec::CellResult* r = res.cell(c.index);
    if (!r) continue;
    lock.steps.push_back(locked_step(step_name(c), c.language, res.cell_images[c.index], c.fence.line, *r, &c, mask));
  }
  for (const auto& in : res.inlines) {
    if (!in.result) continue;
    lock.steps.push_back(
        locked_step(step_name(in.expression), in.expression.language, in.image, in.expression.pos.line, *in.result,
                    nullptr, mask));
  }
  return lock;
}

nlohmann::ordered_json lock_to_json(const Lock& lock) {
  using ojson = nlohmann::ordered_json;
  ojson images = ojson::object();
  for (const auto& [name, img] : lock.images) images[name] = {{"digest", img.digest}, {"bases", img.bases}};
  ojson steps = ojson::array();
  for (const auto& s : lock.steps) {
    ojson outs = ojson::array();
    for (const auto& o : s.outputs) outs.push_back(output_to_json(o));
    steps.push_back({{"name", s.name}, {"language", s.language}, {"image", s.image}, {"line", s.line},
                     {"status", s.status}, {"digest", s.digest}, {"outputs", outs}});
  }
  return {{"waybillLock", lock.version}, {"document", lock.document}, {"images", images},
          {"inputs", lock.inputs},     {"steps", steps}};
}

Lock lock_from_json(const json& j, const std::string& file) {
  if (!j.is_object() || !j.contains("waybillLock")) malformed(file, "it has no `waybillLock` version");
  if (!j["waybillLock"].is_number_integer() || j["waybillLock"].get<int>() > kLockVersion)
    throw Error(ErrorKind::Document, "the lock file was written by a newer waybill (version " +
                                         j["waybillLock"].dump() + ")",
                SourceLoc{file, 0, 0}, "upgrade waybill, or write the lock again with this one");
  Lock lock;
  lock.version = j["waybillLock"].get<int>();
  try {
    lock.document = j.value("document", "");
    for (const auto& [name, img] : j.at("images").items()) {
      LockedImage li{img.at("digest").get<std::string>(), img.value("bases", std::map<std::string, std::string>{})};
      lock.images[name] = std::move(li);
    }
    lock.inputs = j.value("inputs", std::map<std::string, std::string>{});
    for (const auto& s : j.at("steps")) {
      LockedStep st;
      st.name = s.at("name").get<std::string>();
      st.language = s.value("language", "");
      st.image = s.value("image", "");
      st.line = s.value("line", 0);
      st.status = s.value("status", "ok");
      st.digest = s.value("digest", "");
      for (const auto& o : s.at("outputs")) {
        LockedOutput lo;
        lo.kind = o.at("kind").get<std::string>();
        lo.name = o.value("name", "");
        lo.text = o.value("text", "");
        lo.digest = o.at("digest").get<std::string>();
        lo.pixels = o.value("pixels", "");
        st.outputs.push_back(std::move(lo));
      }
      lock.steps.push_back(std::move(st));
    }
  } catch (const json::exception& e) {
    malformed(file, e.what());
  }
  return lock;
}

std::filesystem::path lock_path(const std::filesystem::path& document) {
  std::filesystem::path p = document;
  return p.replace_extension(".waybill.lock");
}

bool lock_requested(const doc::Document& d) {
  const doc::MetaValue* w = d.meta.waybill();
  if (!w || !w->is_map()) return false;
  const doc::MetaValue* lock = w->get("lock");
  if (!lock) return false;
  auto b = lock->as_bool();
  if (!b)
    throw Error(ErrorKind::Document, "`waybill: lock` must be true or false", SourceLoc{d.path, lock->pos.line, lock->pos.col},
                "write `waybill: {lock: true}` to keep a lock file beside the document");
  return *b;
}

void write_lock(const doc::Document& d, const exec::Results& res) {
  write_file_atomic(lock_path(d.path), lock_to_json(make_lock(d, res)).dump(2) + "\n");
}

Lock read_lock(const std::filesystem::path& file) {
  std::string name = display_path(file);
  auto text = read_file_if_exists(file);
  if (!text)
    throw Error(ErrorKind::Usage, "no lock file " + name + " to check against", {},
                "render once with `waybill render --lock` (or `waybill: {lock: true}` in the front matter) and "
                "commit the lock beside the document");
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    malformed(name, printable(e.what(), 200));
  }
  return lock_from_json(j, name);
}

}  // namespace waybill::prov
