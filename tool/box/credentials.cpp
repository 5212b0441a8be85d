#include "box/credentials.hpp"

#include <charconv>
#include <optional>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::box {

namespace {

struct Entry {
  std::vector<std::string_view> fields;
};

std::vector<Entry> entries(std::string_view text, size_t min_fields) {
  std::vector<Entry> out;
  for (auto line : split(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    Entry e{split(line, ':')};
    if (e.fields.size() >= min_fields) out.push_back(std::move(e));
  }
  return out;
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Credentials resolve_user(std::string_view spec, std::string_view passwd, std::string_view group) {
  Credentials c;
  if (spec.empty()) spec = "0";
  std::string_view user = spec, grp;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    user = spec.substr(0, colon);
    grp = spec.substr(colon + 1);
  }
  auto users = entries(passwd, 7);
  auto groups = entries(group, 4);
  std::string_view name;
  bool found = false;
  for (const auto& e : users) {
    auto uid = number(e.fields[2]);
    auto gid = number(e.fields[3]);
    if (!uid || !gid) continue;
    if (e.fields[0] == user || (number(user) && *number(user) == *uid)) {
      c.uid = *uid;
      c.gid = *gid;
      c.home = e.fields[5].empty() ? "/" : std::string(e.fields[5]);
      name = e.fields[0];
      found = true;
      break;
    }
  }
  if (!found) {
    auto uid = number(user);
    if (!uid) {
      throw Error(ErrorKind::Usage, "unable to find user " + std::string(user) + ": no matching entries in passwd file",
                  {}, "give a numeric uid, or create the user in the image");
    }
    c.uid = *uid;
    c.gid = 0;
  }
  if (!grp.empty()) {
    bool group_found = false;
    for (const auto& e : groups) {
      auto gid = number(e.fields[2]);
      if (gid && (e.fields[0] == grp || (number(grp) && *number(grp) == *gid))) {
        c.gid = *gid;
        group_found = true;
        break;
      }
    }
    if (!group_found) {
      auto gid = number(grp);
      if (!gid) throw Error(ErrorKind::Usage, "unable to find group " + std::string(grp) + ": no matching entries in group file");
      c.gid = *gid;
    }
  }
  // Supplementary groups as login(1) would set them; an explicit group replaces none of them.
  if (!name.empty()) {
    for (const auto& e : groups) {
      auto gid = number(e.fields[2]);
      if (!gid) continue;
      for (auto member : split(e.fields[3], ','))
        if (member == name && *gid != c.gid) c.groups.push_back(*gid);
    }
  }
  c.groups.insert(c.groups.begin(), c.gid);
  return c;
}

}  // namespace waybill::box
