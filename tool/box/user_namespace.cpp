#include "box/user_namespace.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/id_map.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace waybill::box {

namespace {

std::string file_or_empty(const char* path) { return read_file_if_exists(path).value_or(""); }

std::string user_name(uid_t uid) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return pw.pw_name;
  return std::to_string(uid);
}

void write_proc_file(pid_t pid, const char* name, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw Error::from_errno("write", path, errno, ErrorKind::Environment);
}

void run_map_helper(const char* helper, pid_t pid, const std::vector<IdMapping>& map, const char* file) {
  if (!program_exists(helper))
    throw Error(ErrorKind::Environment, std::string(helper) + " is not installed: a box of an ordinary user needs it",
                {}, "install it as root: apt-get install uidmap");
  std::vector<std::string> argv{helper, std::to_string(pid)};
  for (auto& a : id_map_arguments(map)) argv.push_back(std::move(a));
  ProcessResult r = run_process(argv);
  if (!r.ok())
    throw Error(ErrorKind::Environment,
                std::string(helper) + " refused the box's map: " + std::string(trim(printable(r.output, 300))), {},
                std::string("check the line for ") + user_name(::geteuid()) + " in " + file +
                    " (its range must not overlap another user's), and that " + helper + " is setuid root");
}

}  // namespace

bool privileged() { return ::geteuid() == 0 && !in_user_namespace(); }

bool in_user_namespace() {
  std::string map = file_or_empty("/proc/self/uid_map");
  std::vector<std::string_view> fields;
  for (auto f : split(trim(map), ' '))
    if (!f.empty()) fields.push_back(f);
  return !(fields.size() == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295");
}

void map_ids_for_this_user(BoxSpec& spec, Reporter& reporter) {
  std::string refusal = user_namespace_refusal(file_or_empty("/proc/sys/user/max_user_namespaces"),
                                               file_or_empty("/proc/sys/kernel/unprivileged_userns_clone"),
                                               file_or_empty("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"));
  if (!refusal.empty())
    throw Error(ErrorKind::Environment, "a box of an ordinary user needs a user namespace, and " + refusal, {},
                "or run waybill as root");
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  std::string name = user_name(uid);
  UserNamespaceMap m = rootless_map(uid, gid, subordinate_ranges(file_or_empty("/etc/subuid"), name, uid),
                                    subordinate_ranges(file_or_empty("/etc/subgid"), name, gid));
  spec.uid_map = m.uid_map;
  spec.gid_map = m.gid_map;
  static std::once_flag warned;
  if (m.single)
    std::call_once(warned, [&] {
      reporter.warn(name + " has no subordinate ids (/etc/subuid, /etc/subgid): boxes map only root, so files of "
                           "other users in an image belong to root, and changing a file's owner fails",
                    {}, "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + name);
    });
}

bool single_mapping(const BoxSpec& spec) {
  return spec.uid_map.size() == 1 && spec.gid_map.size() == 1 && spec.uid_map[0].size == 1 &&
         spec.gid_map[0].size == 1 && spec.uid_map[0].host_id == ::geteuid() && spec.gid_map[0].host_id == ::getegid();
}

void write_id_maps(pid_t pid, const BoxSpec& spec) {
  if (single_mapping(spec)) {
    // The kernel lets a user map its own ids, once setgroups is denied.
    write_proc_file(pid, "setgroups", "deny");
    write_proc_file(pid, "uid_map", "0 " + std::to_string(spec.uid_map[0].host_id) + " 1\n");
    write_proc_file(pid, "gid_map", "0 " + std::to_string(spec.gid_map[0].host_id) + " 1\n");
    return;
  }
  run_map_helper("newuidmap", pid, spec.uid_map, "/etc/subuid");
  run_map_helper("newgidmap", pid, spec.gid_map, "/etc/subgid");
}

}  // namespace waybill::box
