#pragma once
// `waybill verify`: a provenance record's signature, and (with --outputs) every subject
// re-hashed from disk. Each problem is named: which file, and whether it is missing,
// truncated or changed; a record altered after signing, signed by another key, or cut
// short.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace waybill::prov {

struct VerifyRequest {
  std::filesystem::path record;
  std::optional<std::filesystem::path> public_key;  // required for a signed record
  bool outputs = false;                              // re-hash every subject
};

struct VerifyReport {
  bool signed_record = false;
  std::string key_id;        // the key that signed it, when checked
  size_t subjects = 0;       // subjects listed
  size_t subjects_checked = 0;
  nlohmann::json statement;  // the statement, once trusted
};

// Throws Error(Document), located in the record where it can be, at the first problem
// with the record itself, and after checking every subject when some do not match.
VerifyReport verify_record(const VerifyRequest& request);

// Reads a record (a bare statement or a DSSE envelope) as JSON. A file cut short, or
// otherwise not JSON, is an error at its line and column.
nlohmann::json read_record_json(const std::filesystem::path& record);

}  // namespace waybill::prov
