#pragma once
// Rootless boxes (issue 20): a box started by an ordinary user is also a user namespace
// in which the user is root (util/id_map.hpp has the maps). The parent writes the maps
// from outside while PID 1 waits, before PID 1 makes itself non-dumpable (which would
// leave its /proc files to the namespace's root only).
#include <sys/types.h>

#include "box/spec.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::box {

// Whether this process runs as root of the initial user namespace (no map needed).
bool privileged();

// Fills the spec's uid and gid maps for this (unprivileged) user from /etc/subuid and
// /etc/subgid; warns once per process when only the single mapping is possible, saying
// what will not work. Throws Error(Environment) when this machine refuses unprivileged
// user namespaces, naming the switch and its fix.
void map_ids_for_this_user(BoxSpec& spec, Reporter& reporter);

// Whether the spec's maps are the single mapping of this user (written without helpers).
bool single_mapping(const BoxSpec& spec);

// Writes `pid`'s maps: newuidmap and newgidmap for a full map; for the single mapping,
// setgroups "deny" and the map files themselves. Throws Error(Environment) naming the
// missing helper or what it said.
void write_id_maps(pid_t pid, const BoxSpec& spec);

// Whether this process is in a user namespace other than the initial one (overlay then
// needs `userxattr`).
bool in_user_namespace();

}  // namespace waybill::box
