#pragma once
// Page templates (mustache, through kainjow's header-only library). Every value handed
// to a template is already markup for its format (escaped text, rendered HTML or
// LaTeX), so `{{x}}` and `{{{x}}}` insert the same thing. Front matter keys, unknown
// ones included, are available by name.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doc/meta.hpp"

namespace waybill::render {

class TemplateValue {
 public:
  enum class Kind { Map, Text, Flag, List };

  TemplateValue() = default;  // an empty map
  static TemplateValue text(std::string s);
  static TemplateValue flag(bool b);
  static TemplateValue list();

  TemplateValue& set(const std::string& key, TemplateValue v);
  TemplateValue& set(const std::string& key, std::string s) { return set(key, text(std::move(s))); }
  TemplateValue& set(const std::string& key, const char* s) { return set(key, text(s)); }
  TemplateValue& set(const std::string& key, bool b) { return set(key, flag(b)); }
  TemplateValue& push(TemplateValue v);
  bool has(const std::string& key) const { return map_.count(key) != 0; }

  Kind kind() const { return kind_; }
  const std::string& str() const { return text_; }
  bool truth() const { return flag_; }
  const std::map<std::string, TemplateValue>& entries() const { return map_; }
  const std::vector<TemplateValue>& items() const { return list_; }

 private:
  Kind kind_ = Kind::Map;
  std::string text_;
  bool flag_ = false;
  std::map<std::string, TemplateValue> map_;
  std::vector<TemplateValue> list_;
};

// Converts front matter into template values, escaping every scalar with `escape`.
TemplateValue from_meta(const doc::MetaValue& v, const std::function<std::string(std::string_view)>& escape);

// Expands a template. `name` identifies it in errors (Error(Document) for a syntax error).
std::string expand_template(std::string_view text, const std::string& name, const TemplateValue& data);

}  // namespace waybill::render
