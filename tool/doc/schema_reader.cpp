#include "doc/schema_reader.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

void SchemaReader::fail(const MetaValue& v, const std::string& message, const std::string& hint) const {
  throw Error(ErrorKind::Document, prefix_ + message, at(v), hint);
}

void SchemaReader::mapping(const MetaValue& v, const std::string& what, const std::vector<std::string>& allowed) const {
  if (!v.is_map()) fail(v, what + " must be a mapping, not " + describe_kind(v), "write " + what + ": {key: value}");
  for (const auto& [key, value] : v.map) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string near = closest_match(key, allowed);
    fail(value, "unknown key `" + key + "` in " + what,
         near.empty() ? what + " takes " + join(allowed, ", ") : "did you mean `" + near + "`?");
  }
}

std::string SchemaReader::text_or_empty(const MetaValue& v, const std::string& what) const {
  if (!v.is_scalar()) fail(v, what + " must be a string, not " + describe_kind(v), "write " + what + ": VALUE");
  return v.scalar;
}

std::string SchemaReader::text(const MetaValue& v, const std::string& what) const {
  std::string s = text_or_empty(v, what);
  if (s.empty()) fail(v, what + " is empty", "write " + what + ": VALUE");
  return s;
}

std::vector<std::string> SchemaReader::texts(const MetaValue& v, const std::string& what) const {
  if (v.is_scalar()) return {text(v, what)};
  if (!v.is_list()) fail(v, what + " must be a list, not " + describe_kind(v), "write " + what + ": [a, b]");
  std::vector<std::string> out;
  for (const auto& item : v.list) out.push_back(text(item, what + " entries"));
  return out;
}

}  // namespace waybill::doc
