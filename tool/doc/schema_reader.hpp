#pragma once
// Reading a YAML value against a schema, for the manifest block (plan/manifest.cpp) and
// waybill.yml (site/project.cpp): one set of checks and one set of messages, each at the
// key at fault (`file:line:col: error: ...` with a hint). An empty string is refused
// where a value is expected (it is a slip more often than a value); text_or_empty() is
// for the keys where empty means something (an environment value, "the default mirror").
#include <string>
#include <vector>

#include "doc/meta.hpp"
#include "util/source_loc.hpp"

namespace waybill::doc {

class SchemaReader {
 public:
  // `file` names the YAML in messages; `prefix` starts every message ("manifest: ").
  explicit SchemaReader(std::string file, std::string prefix = {})
      : file_(std::move(file)), prefix_(std::move(prefix)) {}

  SourceLoc at(const MetaValue& v) const { return SourceLoc{file_, v.pos.line, v.pos.col}; }

  // Throws Error(Document) at `v`.
  [[noreturn]] void fail(const MetaValue& v, const std::string& message, const std::string& hint) const;

  // A mapping whose keys are all in `allowed` (a near miss is named in the hint).
  void mapping(const MetaValue& v, const std::string& what, const std::vector<std::string>& allowed) const;

  // A string, not empty.
  std::string text(const MetaValue& v, const std::string& what) const;
  // A string that may be empty.
  std::string text_or_empty(const MetaValue& v, const std::string& what) const;
  // A string or a list of strings (none empty).
  std::vector<std::string> texts(const MetaValue& v, const std::string& what) const;

 private:
  std::string file_;
  std::string prefix_;
};

}  // namespace waybill::doc
