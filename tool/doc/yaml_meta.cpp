#include "doc/yaml_meta.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "util/error.hpp"

namespace waybill::doc {

namespace {

Pos pos_of(const YAML::Mark& m, const YamlOrigin& o) {
  if (m.line < 0) return Pos{o.first_line, 0};
  return Pos{o.first_line + m.line, m.column + 1 + o.col_offset};
}

MetaValue convert(const YAML::Node& node, const YamlOrigin& o) {
  MetaValue v;
  v.pos = pos_of(node.Mark(), o);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      v.kind = MetaValue::Kind::Null;
      break;
    case YAML::NodeType::Scalar:
      v.kind = MetaValue::Kind::Scalar;
      v.scalar = node.Scalar();
      v.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      v.kind = MetaValue::Kind::List;
      for (const auto& item : node) v.list.push_back(convert(item, o));
      break;
    case YAML::NodeType::Map: {
      v.kind = MetaValue::Kind::Map;
      std::set<std::string> seen;
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        Pos kp = pos_of(kv.first.Mark(), o);
        if (!kv.first.IsScalar()) {
          throw Error(ErrorKind::Document, "invalid " + o.what + ": a key must be a plain name",
                      SourceLoc{o.file, kp.line, kp.col});
        }
        if (!seen.insert(key).second) {
          throw Error(ErrorKind::Document, "invalid " + o.what + ": duplicate key `" + key + "`",
                      SourceLoc{o.file, kp.line, kp.col}, "remove one of the two `" + key + ":` lines");
        }
        MetaValue child = convert(kv.second, o);
        if (child.kind == MetaValue::Kind::Null) child.pos = kp;
        v.map.emplace_back(std::move(key), std::move(child));
      }
      break;
    }
  }
  return v;
}

std::string yaml_hint(const std::string& msg) {
  if (msg.find("map") != std::string::npos || msg.find("indent") != std::string::npos)
    return "check the indentation, and quote values that contain `: ` or start with `{`, `[`, `@` or `*`";
  if (msg.find("end of") != std::string::npos || msg.find("unknown escape") != std::string::npos)
    return "check for an unclosed quote or bracket";
  return "YAML needs `key: value` pairs; quote values that contain special characters";
}

}  // namespace

MetaValue parse_yaml(std::string_view text, const YamlOrigin& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // An error found at the end of the text ("end of map flow not found") is reported
    // on the YAML's last line rather than on whatever follows it.
    YAML::Mark mark = e.mark;
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    if (!text.empty() && text.back() != '\n') ++lines;
    if (lines > 0 && mark.line >= lines) {
      mark.line = lines - 1;
      mark.column = 0;
    }
    Pos p = pos_of(mark, origin);
    throw Error(ErrorKind::Document, "invalid " + origin.what + " YAML: " + e.msg,
                SourceLoc{origin.file, p.line, p.col}, yaml_hint(e.msg));
  }
  MetaValue v = convert(root, origin);
  if (v.pos.line == 0) v.pos = Pos{origin.first_line, 1};
  return v;
}

}  // namespace waybill::doc
