#include "render/template.hpp"

#include <kainjow/mustache.hpp>

#include "util/error.hpp"

namespace waybill::render {

TemplateValue TemplateValue::text(std::string s) {
  TemplateValue v;
  v.kind_ = Kind::Text;
  v.text_ = std::move(s);
  return v;
}

TemplateValue TemplateValue::flag(bool b) {
  TemplateValue v;
  v.kind_ = Kind::Flag;
  v.flag_ = b;
  return v;
}

TemplateValue TemplateValue::list() {
  TemplateValue v;
  v.kind_ = Kind::List;
  return v;
}

TemplateValue& TemplateValue::set(const std::string& key, TemplateValue v) {
  map_.insert_or_assign(key, std::move(v));
  return *this;
}

TemplateValue& TemplateValue::push(TemplateValue v) {
  list_.push_back(std::move(v));
  return *this;
}

TemplateValue from_meta(const doc::MetaValue& v, const std::function<std::string(std::string_view)>& escape) {
  switch (v.kind) {
    case doc::MetaValue::Kind::Null: return TemplateValue::flag(false);
    case doc::MetaValue::Kind::Scalar: {
      if (auto b = v.as_bool()) return TemplateValue::flag(*b);
      return TemplateValue::text(escape(v.scalar));
    }
    case doc::MetaValue::Kind::List: {
      TemplateValue l = TemplateValue::list();
      for (const auto& item : v.list) l.push(from_meta(item, escape));
      return l;
    }
    case doc::MetaValue::Kind::Map: {
      TemplateValue m;
      for (const auto& [k, item] : v.map) m.set(k, from_meta(item, escape));
      return m;
    }
  }
  return {};
}

namespace {

using kainjow::mustache::data;

data to_data(const TemplateValue& v) {
  switch (v.kind()) {
    case TemplateValue::Kind::Text:
      // An empty string would still open a {{#section}}: make it false instead.
      return v.str().empty() ? data(false) : data(v.str());
    case TemplateValue::Kind::Flag: return data(v.truth());
    case TemplateValue::Kind::List: {
      data l(data::type::list);
      for (const auto& item : v.items()) l.push_back(to_data(item));
      return l;
    }
    case TemplateValue::Kind::Map: {
      data m;
      for (const auto& [k, item] : v.entries()) m.set(k, to_data(item));
      return m;
    }
  }
  return data();
}

}  // namespace

std::string expand_template(std::string_view text, const std::string& name, const TemplateValue& values) {
  kainjow::mustache::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    throw Error(ErrorKind::Document, "template " + name + ": " + tmpl.error_message(), SourceLoc{name, 0, 0},
                "check that every {{#section}} has its {{/section}}");
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; });  // values are markup already
  std::string out = tmpl.render(to_data(values));
  if (!tmpl.is_valid()) throw Error(ErrorKind::Document, "template " + name + ": " + tmpl.error_message());
  return out;
}

}  // namespace waybill::render
