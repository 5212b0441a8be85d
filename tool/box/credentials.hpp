#pragma once
// Who the workload runs as: Docker's `--user` forms ("name", "uid", "name:group",
// "uid:gid") resolved against the box's own /etc/passwd and /etc/group, which are
// untrusted image content and parsed defensively.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace waybill::box {

struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary: every group that lists the user
  std::string home = "/";
};

// Throws Error(Usage) naming the user or group that the files do not have. A numeric
// uid or gid needs no entry (as in Docker), then the primary group is 0.
Credentials resolve_user(std::string_view spec, std::string_view passwd, std::string_view group);

}  // namespace waybill::box
