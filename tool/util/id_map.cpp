#include "util/id_map.hpp"

#include <charconv>

#include "util/strings.hpp"

namespace waybill {

namespace {

std::optional<uint32_t> number(std::string_view s) {
  s = trim(s);
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<IdMapping> map_one_side(uint32_t own, const std::vector<SubordinateRange>& ranges) {
  std::vector<IdMapping> map{{0, own, 1}};
  uint32_t next = 1;
  for (const SubordinateRange& r : ranges) {
    uint32_t left = kSubordinateIds + 1 - next;
    if (left == 0) break;
    uint32_t size = r.count < left ? r.count : left;
    if (size == 0) continue;
    map.push_back({next, r.start, size});
    next += size;
  }
  return map;
}

}  // namespace

std::vector<SubordinateRange> subordinate_ranges(std::string_view file_text, std::string_view name, uint32_t id) {
  std::vector<SubordinateRange> ranges;
  std::string own_id = std::to_string(id);
  for (std::string_view line : split_lines(file_text)) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields = split(line, ':');
    if (fields.size() != 3) continue;
    std::string_view who = trim(fields[0]);
    if (who != name && who != own_id) continue;
    auto start = number(fields[1]);
    auto count = number(fields[2]);
    // A range that would wrap past the last id is not one the kernel would take.
    if (!start || !count || *count == 0 || uint64_t(*start) + *count > uint64_t(UINT32_MAX) + 1) continue;
    ranges.push_back({*start, *count});
  }
  return ranges;
}

UserNamespaceMap rootless_map(uint32_t uid, uint32_t gid, const std::vector<SubordinateRange>& subuids,
                              const std::vector<SubordinateRange>& subgids) {
  UserNamespaceMap m;
  if (subuids.empty() || subgids.empty()) {
    m.uid_map = {{0, uid, 1}};
    m.gid_map = {{0, gid, 1}};
    m.single = true;
    return m;
  }
  m.uid_map = map_one_side(uid, subuids);
  m.gid_map = map_one_side(gid, subgids);
  return m;
}

std::vector<std::string> id_map_arguments(const std::vector<IdMapping>& map) {
  std::vector<std::string> args;
  for (const IdMapping& m : map) {
    args.push_back(std::to_string(m.container_id));
    args.push_back(std::to_string(m.host_id));
    args.push_back(std::to_string(m.size));
  }
  return args;
}

std::vector<IdMapping> parse_id_map(std::string_view file_text) {
  std::vector<IdMapping> map;
  for (std::string_view line : split_lines(file_text)) {
    std::vector<uint32_t> n;
    for (std::string_view field : split(trim(line), ' ')) {
      if (field.empty()) continue;
      auto v = number(field);
      if (!v) {
        n.clear();
        break;
      }
      n.push_back(*v);
    }
    if (n.size() == 3) map.push_back({n[0], n[1], n[2]});
  }
  return map;
}

std::optional<uint32_t> host_id_of(const std::vector<IdMapping>& map, uint32_t container_id) {
  for (const IdMapping& m : map)
    if (container_id >= m.container_id && container_id - m.container_id < m.size)
      return m.host_id + (container_id - m.container_id);
  return std::nullopt;
}

std::string user_namespace_refusal(std::string_view max_user_namespaces, std::string_view unprivileged_userns_clone,
                                   std::string_view apparmor_restrict) {
  if (number(max_user_namespaces) == 0u)
    return "user namespaces are disabled on this machine (user.max_user_namespaces is 0); as root: "
           "sysctl -w user.max_user_namespaces=15000";
  if (number(unprivileged_userns_clone) == 0u)
    return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone is 0); as root: "
           "sysctl -w kernel.unprivileged_userns_clone=1";
  if (number(apparmor_restrict) == 1u)
    return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns is 1); "
           "as root, add an AppArmor profile for waybill that allows `userns`, or "
           "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
  return "";
}

}  // namespace waybill
