#!/usr/bin/env bash
# Rootless boxes (issue 20): ordinary users, made by this test, run boxes on a store of
# their own. One has subordinate ids (useradd gives a range): root inside is the user,
# ids 1..65536 are its subordinate ids, a file made in a read-write volume belongs to the
# user on the host. One has none: the single mapping, with a warning saying so. Without
# newuidmap in PATH the box is refused with the fix named.
# usage: box_rootless.sh WAYBILL FIXTURES
source "$(dirname "$0")/rootless_lib.sh"
full=wbfull$$
single=wbsingle$$
new_user "$full"
new_user "$single" single

for user in "$full" "$single"; do
  as "$user" -q image load -i "$fixtures/base.tar"
  [ "$code" = 0 ] || fail "image load as $user: exit $code: $err"
done
home=$(home_of "$full")
set +e
err=$(cd "$home" && runuser -u "$full" -- env -u WAYBILL_HOME -u XDG_DATA_HOME HOME="$home" "$waybill" -q image ls 2>&1)
code=$?
set -e
[ "$code" = 0 ] && [ -f "$home/.local/share/waybill/store/oci-layout" ] ||
  fail "without WAYBILL_HOME the store is not ~/.local/share/waybill: exit $code: $err"
pass "an ordinary user loads the base into a store of its own (by default ~/.local/share/waybill)"

uid=$(id -u "$full")
as "$full" run debian-base:test sh -c 'id -u; cat /proc/self/uid_map; hostname; echo $$'
[ "$code" = 0 ] || fail "run as $full: exit $code: $err"
lines=$(echo "$out" | tr -s ' ' | sed 's/^ //')
echo "$lines" | sed -n 1p | grep -qx 0 || fail "not root inside: $out"
echo "$lines" | grep -qx "0 $uid 1" || fail "0 is not the user: $out"
echo "$lines" | grep -qE "^1 [0-9]+ 65536$" || fail "1..65536 are not the subordinate ids: $out"
[ "$(echo "$lines" | sed -n 5p)" = 2 ] || fail "the shell is not PID 2 (under waybill-init) of a pid namespace: $out"
[ "$(echo "$lines" | sed -n 4p)" != "$(hostname)" ] || fail "the box shares the host's name"
pass "a rootless box: root inside is the user, ids 1..65536 are its subordinate ids, own pid and uts"
# The base's device nodes (/dev/null, ...) cannot be made by a user: one line says so.
[ "$(grep -c "device nodes kept as placeholders" <<< "$err")" = 1 ] || fail "not one line for the device nodes: $err"
! grep -q "skipped" <<< "$err" || fail "a line per skipped entry: $err"
pass "the base's device nodes: one summary line, not one warning each"

as_ok "$full" -q run debian-base:test sh -c 'stat -c "%U:%G" /var/cache/apt/archives/partial /etc/shadow'
[ "$out" = "_apt:root
root:shadow" ] || fail "the image's owners are not kept: $out"
pass "layers are unpacked in the user namespace: the image's owners (_apt, shadow) are kept"

as "$full" -q run debian-base:test sh -c 'ls /sys/class/net'
[ "$code" = 0 ] && [ "$out" = lo ] || fail "network none shows more than lo: $out $err"
as_ok "$full" -q run --network host debian-base:test sh -c 'ls /sys/class/net | sort'
[ "$out" = "$(ls /sys/class/net | sort)" ] || fail "network host does not show the host's interfaces: $out"
pass "network none: only lo; network host: the host's interfaces, with no slirp"

home=$(home_of "$full")
runuser -u "$full" -- mkdir -p "$home/vol"
as "$full" -q run -v "$home/vol:/vol:rw" debian-base:test sh -c 'echo hi > /vol/made; chown 42:42 /vol; id -u'
[ "$code" = 0 ] || fail "a read-write volume as $full: exit $code: $err"
[ "$(stat -c %u "$home/vol/made")" = "$uid" ] || fail "a file made in the volume belongs to $(stat -c %u "$home/vol/made"), not $uid"
[ "$(stat -c %u "$home/vol")" != 0 ] || fail "a chown inside reached root on the host"
pass "a file made in a read-write volume belongs to the user on the host; a chown inside never gives it to root"

as "$full" -q run debian-base:test sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mknod /tmp/null c 1 3 2>&1 || echo refused'
[ "$code" = 0 ] || fail "status as $full: $err"
echo "$out" | grep -q "NoNewPrivs:.*1" || fail "no_new_privs is not set: $out"
echo "$out" | grep -q "Seccomp:.*2" || fail "seccomp is not on: $out"
echo "$out" | grep -q "^refused" || fail "root in a rootless box made a device node: $out"
pass "seccomp and no_new_privs as for root; no capability beyond the user's namespace (mknod refused)"

# The store's upkeep as the user: fsck re-hashes every blob, prune removes what no image
# uses, including unpacked layers whose files belong to subordinate ids.
as_ok "$full" -q image tag debian-base:test doomed:1
as_ok "$full" -q image rm debian-base:test doomed:1
as_ok "$full" image prune
[ -z "$(ls "$home/store/layers/sha256" 2> /dev/null)" ] || fail "prune left unpacked layers: $(ls "$home/store/layers/sha256")"
as_ok "$full" -q image load -i "$fixtures/base.tar"
as_ok "$full" image fsck
pass "image fsck and prune work as the user, on layers owned by its subordinate ids"

as "$single" run debian-base:test sh -c 'id -u; cat /proc/self/uid_map'
[ "$code" = 0 ] || fail "run as $single: exit $code: $err"
echo "$err" | grep -q "has no subordinate ids" || fail "no warning about the single mapping: $err"
[ "$(grep -c "has no subordinate ids" <<< "$err")" = 1 ] || fail "the single mapping's warning is not given once: $err"
[ "$(echo "$out" | tr -s ' ' | sed 's/^ //' | sed -n 2p)" = "0 $(id -u "$single") 1" ] || fail "not the single mapping: $out"
pass "a user without subordinate ids gets the single mapping, and one warning naming the fix"

# The first waybill left a holder in its user namespace; later ones join it, so they
# need no newuidmap (a PATH without it).
mkdir -p /tmp/nomap.$$ && ln -sf "$(command -v true)" /tmp/nomap.$$/true
pgrep -u "$full" -x waybill-userns > /dev/null || fail "no holder of the user namespace is left"
RUN_ENV=(PATH=/tmp/nomap.$$)
as "$full" -q run debian-base:test cat /proc/self/uid_map
[ "$code" = 0 ] && echo "$out" | tr -s ' ' | grep -qE "^ ?1 [0-9]+ 65536$" || fail "joining the holder: exit $code: $out $err"
pass "a later waybill joins the user namespace its first one left (no newuidmap needed)"

# Without newuidmap and without a holder, waybill stops before anything else: exit 125
# for `run` (its command's statuses stay apart), 3 for the other verbs; both name the fix.
pkill -u "$full" -x waybill-userns
for _ in $(seq 50); do pgrep -u "$full" -x waybill-userns > /dev/null || break; sleep 0.1; done
as "$full" run debian-base:test true
[ "$code" = 125 ] || fail "without newuidmap: exit $code, not 125: $err"
echo "$err" | grep -q "newuidmap is not installed" && echo "$err" | grep -q "apt-get install uidmap" ||
  fail "without newuidmap, the error does not name it and its fix: $err"
as "$full" image ls
[ "$code" = 3 ] && echo "$err" | grep -q "newuidmap is not installed" || fail "image ls without newuidmap: exit $code: $err"
RUN_ENV=()
rm -rf /tmp/nomap.$$
pass "without newuidmap: refused (run 125, other verbs 3), naming the package"

# User namespaces disabled: in a user namespace this test makes (ids 0..65535 as on the
# host, so the machine's own limit stays as it was), the limit is set to 0 and waybill
# runs there as the ordinary user.
(unshare --user sleep 60 & echo $! > /tmp/userns-pid.$$; wait) &
for _ in $(seq 50); do [ -s /tmp/userns-pid.$$ ] && break; sleep 0.1; done
holder=$(cat /tmp/userns-pid.$$)
rm -f /tmp/userns-pid.$$
if ! { echo "0 0 65536" > "/proc/$holder/uid_map" && echo "0 0 65536" > "/proc/$holder/gid_map"; } 2> /dev/null; then
  kill "$holder"
  echo "SKIP (last check only): this machine refuses the maps of a test-owned user namespace, so the disabled-namespace error is not tried"
  exit 0
fi
set +e
err=$(cd /tmp && nsenter --user --target "$holder" sh -c 'echo 0 > /proc/sys/user/max_user_namespaces &&
  exec setpriv --reuid="$1" --regid="$1" --clear-groups env HOME=/tmp WAYBILL_HOME=/tmp/none "$2" run debian-base:test true' \
  sh "$uid" "$waybill" 2>&1)
code=$?
set -e
kill "$holder"
[ "$code" = 125 ] || fail "with user namespaces disabled: exit $code, not 125: $err"
echo "$err" | grep -q "user.max_user_namespaces" || fail "the error does not name the switch: $err"
pass "user namespaces disabled: one error naming user.max_user_namespaces and the fix"
