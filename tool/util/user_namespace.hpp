#pragma once
// Rootless waybill (issue 20). An ordinary user's waybill first enters a user namespace
// in which the user is root, with a mount namespace of its own, as rootless podman does
// (util/id_map.hpp has the maps: 0 is the user, 1..65536 its subordinate ids). Everything
// after runs as it does for root: layers are unpacked with their owners as mapped ids,
// overlays are mounted (with `userxattr`), builds copy up, and boxes need no user
// namespace of their own. The mounts it makes vanish with the process, and it never holds
// a capability in the initial namespace.
#include <cstdint>

namespace waybill {

class Reporter;

// The process an ordinary user's first waybill leaves in its user namespace, so that the
// next ones join it (setns) instead of writing the maps again.
inline constexpr const char* kUserNamespaceHolder = "waybill-userns";

// Whether this process is in a user namespace other than the initial one (overlay then
// needs `userxattr`, and device nodes cannot be made).
bool in_user_namespace();

enum class IdKind { User, Group };

// Whether `id` of this process's user namespace maps to an id outside it (always, in the
// initial namespace).
bool id_mapped_here(IdKind kind, uint32_t id);

// For an ordinary user: enters the user and mount namespaces. It joins the namespace of
// a live holder of this user with the same maps; else newuidmap and newgidmap write the
// maps from a helper that stays outside, and a holder is left for the next waybill (with
// no subordinate range: the single mapping, with a warning saying what will not work). Nothing for root, or for a
// process that is root in a namespace already (a waybill started by waybill). Must be
// called while the process has one thread. Throws Error(Environment) naming the cause
// and the fix: user namespaces refused, newuidmap missing or refusing the map.
void enter_user_namespace(Reporter& reporter);

}  // namespace waybill
