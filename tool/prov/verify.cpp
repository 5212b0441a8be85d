#include "prov/verify.hpp"

#include <fcntl.h>

#include "oci/sha256.hpp"
#include "prov/signing.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/fs.hpp"
#include "util/safe_path.hpp"

namespace waybill::prov {

namespace {

using nlohmann::json;

const json& field(const json& obj, const char* name, const std::string& file) {
  if (!obj.is_object() || !obj.contains(name))
    throw Error(ErrorKind::Document, std::string("the record has no `") + name + "`", SourceLoc{file, 0, 0},
                "a waybill record is an in-toto Statement v1 with a SLSA v1 predicate");
  return obj.at(name);
}

// One subject, re-hashed: "" when it matches, else what is wrong with it.
std::string check_subject(const std::filesystem::path& dir, const json& subject) {
  std::string name = subject.value("name", "");
  if (name.empty()) return "a subject without a name";
  std::string want = subject.contains("digest") ? subject["digest"].value("sha256", "") : "";
  if (want.empty()) return name + ": the record gives no sha256 for it";
  BeneathResult f = open_beneath(dir, name, O_RDONLY);
  if (f.error == BeneathError::Escapes) return name + ": the name leads outside the record's directory (refused)";
  if (f.error == BeneathError::Missing) return name + ": missing";
  if (!f.fd) return name + ": cannot be opened (" + std::string(std::strerror(f.err)) + ")";
  uint64_t have = 0;
  std::string got(oci::sha256_of_fd(f.fd.get(), name, &have).hex());
  if (got == want) return "";
  if (subject.contains("annotations") && subject["annotations"].contains("size")) {
    auto size = subject["annotations"]["size"].get<uint64_t>();
    if (have < size) return name + ": truncated: " + std::to_string(have) + " bytes, the record says " + std::to_string(size);
    if (have > size) return name + ": changed: " + std::to_string(have) + " bytes, the record says " + std::to_string(size);
  }
  return name + ": changed since the record was made (recorded sha256:" + want.substr(0, 16) + "…, now sha256:" +
         got.substr(0, 16) + "…)";
}

}  // namespace

json read_record_json(const std::filesystem::path& record) {
  std::string file = display_path(record);
  std::string text = read_file(record);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    bool at_end = at + 1 >= text.size() || text.find_first_not_of(" \t\r\n", at) == std::string::npos;
    if (at_end && !text.empty())
      throw Error(ErrorKind::Document,
                  "the record is truncated: it ends after " + std::to_string(text.size()) + " bytes, inside its JSON",
                  SourceLoc::at_byte(file, text, at), "the file was cut short; re-render to write it again");
    std::string what = e.what();
    auto colon = what.rfind(": ");
    throw Error(ErrorKind::Document, "the record is not valid JSON: " + what.substr(colon == std::string::npos ? 0 : colon + 2),
                SourceLoc::at_byte(file, text, at), "the file was altered; re-render to write it again");
  } catch (const json::exception& e) {  // out_of_range: a number like 1e400
    throw Error(ErrorKind::Document, "the record is not valid JSON: " + printable(e.what(), 200), SourceLoc{file, 0, 0},
                "the file was altered; re-render to write it again");
  }
}

VerifyReport verify_record(const VerifyRequest& req) {
  std::string file = display_path(req.record);
  json value = read_record_json(req.record);
  VerifyReport report;
  report.signed_record = is_envelope(value);
  if (report.signed_record) {
    if (!req.public_key)
      throw Error(ErrorKind::Usage, file + " is signed; its signature can only be checked with the public key", {},
                  "give --key waybill-key.pub.pem");
    std::string payload;
    try {
      payload = open_envelope(value, *req.public_key);
    } catch (Error& e) {
      throw e.with_loc_if_unknown(SourceLoc{file, 0, 0});
    }
    report.key_id = key_id(*req.public_key);
    try {
      report.statement = json::parse(payload);
    } catch (const json::exception& e) {
      throw Error(ErrorKind::Document, "the signed payload is not JSON: " + printable(e.what(), 200), SourceLoc{file, 0, 0});
    }
  } else {
    if (req.public_key)
      throw Error(ErrorKind::Document, "the record is not signed, so it cannot be checked against a key",
                  SourceLoc{file, 0, 0}, "render with --sign KEY to make a signed record");
    report.statement = std::move(value);
  }
  const json& st = report.statement;
  if (field(st, "_type", file) != "https://in-toto.io/Statement/v1")
    throw Error(ErrorKind::Document, "the record is not an in-toto Statement v1", SourceLoc{file, 0, 0});
  const json& subjects = field(st, "subject", file);
  if (!subjects.is_array()) throw Error(ErrorKind::Document, "the record's `subject` is not a list", SourceLoc{file, 0, 0});
  report.subjects = subjects.size();
  if (!req.outputs) return report;
  std::filesystem::path dir = req.record.parent_path();
  if (dir.empty()) dir = ".";
  std::vector<std::string> problems;
  for (const auto& s : subjects) {
    std::string p = check_subject(dir, s);
    if (p.empty()) ++report.subjects_checked;
    else problems.push_back(p);
  }
  if (!problems.empty()) {
    std::string msg = std::to_string(problems.size()) + " of " + std::to_string(subjects.size()) +
                      " outputs do not match the record:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(ErrorKind::Document, msg, SourceLoc{file, 0, 0},
                "an output was changed after the render; re-render to make outputs and record agree");
  }
  return report;
}

}  // namespace waybill::prov
