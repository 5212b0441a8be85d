#!/usr/bin/env bash
# Rootless boxes (issue 20): ordinary users, made by this test, run boxes on a store of
# their own. One has subordinate ids (useradd gives a range): root inside is the user,
# ids 1..65536 are its subordinate ids, a file made in a read-write volume belongs to the
# user on the host. One has none: the single mapping, with a warning saying so. Without
# newuidmap in PATH the box is refused with the fix named.
# usage: box_rootless.sh WAYBILL FIXTURES
set -euo pipefail
waybill=$(realpath "$1")
fixtures=$(realpath "$2")
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok: $*"; }
[ "$(id -u)" = 0 ] || skip "the test creates users, which needs root (CI runs as root)"
[ -f "$fixtures/base.tar" ] || skip "no base image archive (mmdebstrap missing?)"
command -v newuidmap > /dev/null || skip "newuidmap is missing (apt-get install uidmap; quickstart.sh installs it)"
[ "$(cat /proc/sys/user/max_user_namespaces 2> /dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled here"

full=wbfull$$
single=wbsingle$$
cleanup() {
  userdel -r "$full" > /dev/null 2>&1 || true
  userdel -r "$single" > /dev/null 2>&1 || true
}
trap cleanup EXIT
useradd -m "$full"
useradd -m -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$single"
grep -q "^$full:" /etc/subuid || skip "useradd gives new users no subordinate ids here (SUB_UID_COUNT in /etc/login.defs)"
! grep -q "^$single:" /etc/subuid || fail "$single has subordinate ids"
# The binary, its modules and the archive must be reachable by the users.
for p in "$waybill" "$fixtures/base.tar"; do
  runuser -u "$full" -- test -r "$p" || skip "$p is not readable by an ordinary user"
done

# as USER ARGS...: waybill ARGS as USER, with a store in USER's home; sets $out, $err, $code.
as() {
  local user=$1
  shift
  local home
  home=$(getent passwd "$user" | cut -d: -f6)
  set +e
  out=$(cd "$home" && runuser -u "$user" -- env HOME="$home" WAYBILL_HOME="$home/store" "$waybill" "$@" 2> /tmp/err.$$)
  code=$?
  set -e
  err=$(cat /tmp/err.$$)
  rm -f /tmp/err.$$
}

for user in "$full" "$single"; do
  as "$user" -q image load -i "$fixtures/base.tar"
  [ "$code" = 0 ] || fail "image load as $user: exit $code: $err"
done
pass "an ordinary user loads the base into a store of its own"

uid=$(id -u "$full")
as "$full" -q run debian-base:test sh -c 'id -u; cat /proc/self/uid_map; hostname; echo $$'
[ "$code" = 0 ] || fail "run as $full: exit $code: $err"
lines=$(echo "$out" | tr -s ' ' | sed 's/^ //')
echo "$lines" | sed -n 1p | grep -qx 0 || fail "not root inside: $out"
echo "$lines" | grep -qx "0 $uid 1" || fail "0 is not the user: $out"
echo "$lines" | grep -qE "^1 [0-9]+ 65536$" || fail "1..65536 are not the subordinate ids: $out"
[ "$(echo "$lines" | sed -n 5p)" = 2 ] || fail "the shell is not PID 2 (under waybill-init) of a pid namespace: $out"
[ "$(echo "$lines" | sed -n 4p)" != "$(hostname)" ] || fail "the box shares the host's name"
pass "a rootless box: root inside is the user, ids 1..65536 are its subordinate ids, own pid and uts"

as "$full" -q run debian-base:test sh -c 'ls /sys/class/net'
[ "$code" = 0 ] && [ "$out" = lo ] || fail "network none shows more than lo: $out $err"
pass "network none: only lo"

home=$(getent passwd "$full" | cut -d: -f6)
runuser -u "$full" -- mkdir -p "$home/vol"
as "$full" -q run -v "$home/vol:/vol:rw" debian-base:test sh -c 'echo hi > /vol/made; chown 42:42 /vol; id -u'
[ "$code" = 0 ] || fail "a read-write volume as $full: exit $code: $err"
[ "$(stat -c %u "$home/vol/made")" = "$uid" ] || fail "a file made in the volume belongs to $(stat -c %u "$home/vol/made"), not $uid"
[ "$(stat -c %u "$home/vol")" != 0 ] || fail "a chown inside reached root on the host"
pass "a file made in a read-write volume belongs to the user on the host; a chown inside never gives it to root"

as "$full" -q run debian-base:test sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'
[ "$code" = 0 ] || fail "status as $full: $err"
echo "$out" | grep -q "NoNewPrivs:.*1" || fail "no_new_privs is not set: $out"
echo "$out" | grep -q "Seccomp:.*2" || fail "seccomp is not on: $out"
pass "seccomp and no_new_privs as for root"

as "$single" run debian-base:test sh -c 'id -u; cat /proc/self/uid_map'
[ "$code" = 0 ] || fail "run as $single: exit $code: $err"
echo "$err" | grep -q "has no subordinate ids" || fail "no warning about the single mapping: $err"
[ "$(echo "$out" | tr -s ' ' | sed 's/^ //' | sed -n 2p)" = "0 $(id -u "$single") 1" ] || fail "not the single mapping: $out"
pass "a user without subordinate ids gets the single mapping, and a warning naming the fix"

as "$full" run debian-base:test true
mkdir -p /tmp/nomap.$$ && ln -sf "$(command -v true)" /tmp/nomap.$$/true
home=$(getent passwd "$full" | cut -d: -f6)
set +e
err=$(cd "$home" && runuser -u "$full" -- env PATH=/tmp/nomap.$$ HOME="$home" WAYBILL_HOME="$home/store" "$waybill" run debian-base:test true 2>&1)
code=$?
set -e
rm -rf /tmp/nomap.$$
# `run` keeps the command's own statuses apart: 125 is "the box could not start".
[ "$code" = 125 ] || fail "without newuidmap: exit $code, not 125: $err"
echo "$err" | grep -q "newuidmap is not installed" && echo "$err" | grep -q "apt-get install uidmap" ||
  fail "without newuidmap, the error does not name it and its fix: $err"
pass "without newuidmap: the box is refused (125), naming the package"
