#pragma once
// The id maps of a rootless box's user namespace (issue 20): the user is root inside,
// and ids 1..65536 inside are the user's subordinate ids (/etc/subuid, /etc/subgid), as
// rootless podman maps them, so that images with several users keep them apart. A user
// with no subordinate range gets the single mapping (0 inside is the user; setgroups
// denied), in which every file belongs to root inside.
//
// Pure functions of the files' text, so they are tested without a user namespace; the
// newuidmap calls that apply a map live with the box.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waybill {

// One line of a user namespace's uid_map or gid_map.
struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

// One subordinate range of /etc/subuid or /etc/subgid ("name:start:count").
struct SubordinateRange {
  uint32_t start = 0;
  uint32_t count = 0;
};

// The ranges of the user named `name`, or numbered `id`, in a subuid or subgid file's
// text, in file order. Lines that do not parse are skipped, as shadow-utils skips them.
std::vector<SubordinateRange> subordinate_ranges(std::string_view file_text, std::string_view name, uint32_t id);

// Ids 1..kSubordinateIds inside a box map to subordinate ids, when the user has them.
inline constexpr uint32_t kSubordinateIds = 65536;

struct UserNamespaceMap {
  std::vector<IdMapping> uid_map, gid_map;
  // No subordinate range on one side or the other: 0 inside is the user, nothing else
  // is mapped, and setgroups is denied (the kernel requires it for an unprivileged map).
  bool single = false;
};

// 0 inside → `uid`/`gid`; then 1.. inside → the subordinate ranges, in file order, up to
// kSubordinateIds ids. Single when either side has no range.
UserNamespaceMap rootless_map(uint32_t uid, uint32_t gid, const std::vector<SubordinateRange>& subuids,
                              const std::vector<SubordinateRange>& subgids);

// The arguments newuidmap and newgidmap take after the pid: "0 1000 1 1 100000 65536".
std::vector<std::string> id_map_arguments(const std::vector<IdMapping>& map);

// The lines of a /proc/PID/uid_map or gid_map file ("inside host size", blank-padded).
// Lines that are not three numbers are skipped.
std::vector<IdMapping> parse_id_map(std::string_view file_text);

// The host id of `container_id` under `map`, or nothing when it is not mapped.
std::optional<uint32_t> host_id_of(const std::vector<IdMapping>& map, uint32_t container_id);

// Why unprivileged user namespaces cannot be made here, or "" when nothing says so, from
// the kernel's switches (each empty when its file is absent): user.max_user_namespaces,
// Debian's kernel.unprivileged_userns_clone and Ubuntu's
// kernel.apparmor_restrict_unprivileged_userns.
std::string user_namespace_refusal(std::string_view max_user_namespaces, std::string_view unprivileged_userns_clone,
                                   std::string_view apparmor_restrict);

}  // namespace waybill
