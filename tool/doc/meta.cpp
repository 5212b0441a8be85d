#include "doc/meta.hpp"

#include <cstdlib>

#include "util/strings.hpp"

namespace waybill::doc {

MetaValue::MetaValue() = default;
MetaValue::MetaValue(Kind k, Pos p) : kind(k), pos(p) {}
MetaValue::MetaValue(const MetaValue&) = default;
MetaValue::MetaValue(MetaValue&&) noexcept = default;
MetaValue& MetaValue::operator=(const MetaValue&) = default;
MetaValue& MetaValue::operator=(MetaValue&&) noexcept = default;
MetaValue::~MetaValue() = default;

const MetaValue* MetaValue::get(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}

MetaValue* MetaValue::get(std::string_view key) {
  return const_cast<MetaValue*>(static_cast<const MetaValue*>(this)->get(key));
}

std::optional<bool> MetaValue::as_bool() const {
  if (kind != Kind::Scalar || quoted) return std::nullopt;
  std::string s = to_lower(scalar);
  if (s == "true" || s == "yes" || s == "on" || s == "y") return true;
  if (s == "false" || s == "no" || s == "off" || s == "n") return false;
  return std::nullopt;
}

std::optional<double> MetaValue::as_number() const {
  if (kind != Kind::Scalar || scalar.empty()) return std::nullopt;
  const char* begin = scalar.c_str();
  char* end = nullptr;
  double d = std::strtod(begin, &end);
  if (end == begin || *end != '\0') return std::nullopt;
  return d;
}

std::string MetaValue::as_text() const {
  if (kind == Kind::Scalar) return scalar;
  if (kind == Kind::List) {
    std::vector<std::string> parts;
    for (const auto& v : list) parts.push_back(v.as_text());
    return join(parts, ", ");
  }
  return {};
}

std::vector<std::string> MetaValue::as_string_list() const {
  std::vector<std::string> out;
  if (kind == Kind::Scalar) out.push_back(scalar);
  if (kind == Kind::List)
    for (const auto& v : list)
      if (v.kind == Kind::Scalar) out.push_back(v.scalar);
  return out;
}

std::string describe_kind(const MetaValue& v) {
  switch (v.kind) {
    case MetaValue::Kind::Null: return "nothing";
    case MetaValue::Kind::Scalar: return "`" + v.scalar + "`";
    case MetaValue::Kind::List: return "a list";
    case MetaValue::Kind::Map: return "a mapping";
  }
  return "a value";
}

}  // namespace waybill::doc
