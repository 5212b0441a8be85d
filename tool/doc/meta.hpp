#pragma once
// Front matter and manifest values as a tree (Pandoc's MetaValue), each node with its
// position, so that later stages can report errors at the right line without the YAML library.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace waybill::doc {

// 1-based line and column in the original file (front matter included).
struct Pos {
  int line = 0;
  int col = 0;
};

struct MetaValue {
  enum class Kind { Null, Scalar, List, Map };

  Kind kind = Kind::Null;
  std::string scalar;  // the text of a scalar
  bool quoted = false; // a quoted scalar is always a string ("true" is not a boolean)
  std::vector<MetaValue> list;
  std::vector<std::pair<std::string, MetaValue>> map;  // in the order written
  Pos pos;

  // Defined where MetaValue is complete (meta.cpp): the pair above holds this type.
  MetaValue();
  MetaValue(Kind kind, Pos pos);
  MetaValue(const MetaValue&);
  MetaValue(MetaValue&&) noexcept;
  MetaValue& operator=(const MetaValue&);
  MetaValue& operator=(MetaValue&&) noexcept;
  ~MetaValue();

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_list() const { return kind == Kind::List; }
  bool is_map() const { return kind == Kind::Map; }

  // Map lookup; nullptr when absent or when this is not a map.
  const MetaValue* get(std::string_view key) const;
  MetaValue* get(std::string_view key);
  // YAML 1.1 booleans as R Markdown writes them: true/false, yes/no, on/off.
  std::optional<bool> as_bool() const;
  std::optional<double> as_number() const;
  // A scalar, or a list of scalars joined by ", ".
  std::string as_text() const;
  // A scalar as a one-element list, a list of scalars as is.
  std::vector<std::string> as_string_list() const;
};

// The name of a value's kind for messages: "a string", "a list", "a mapping".
std::string describe_kind(const MetaValue& v);

}  // namespace waybill::doc
