# Shared by the rootless tests (issue 20): ordinary users made by the test, and waybill
# run as them on stores of their own. Sourced with the waybill binary and the fixtures
# directory as $1 and $2; CI runs as root, so the test can make the users.
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

rootless_users=()
rootless_cleanup() {
  for u in "${rootless_users[@]}"; do
    pkill -KILL -u "$u" > /dev/null 2>&1 || true  # the user namespace's holder
    for _ in $(seq 50); do pgrep -u "$u" > /dev/null || break; sleep 0.1; done
    userdel -r "$u" > /dev/null 2>&1 || true
  done
  rm -f /tmp/rootless-err.$$
}
trap rootless_cleanup EXIT

# new_user NAME [single]: an ordinary user with a home (and subordinate ids unless
# `single`), who can reach the binary and the base archive.
new_user() {
  rootless_users+=("$1")
  local opts=()
  [ "${2:-}" != single ] || opts=(-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0)
  # Other tests make users at the same time; useradd gives up when /etc/passwd is locked.
  for attempt in 1 2 3 4 5; do
    useradd -m "${opts[@]}" "$1" && break
    [ "$attempt" != 5 ] || fail "useradd $1 failed"
    sleep 1
  done
  if [ "${2:-}" = single ]; then
    ! grep -q "^$1:" /etc/subuid || fail "$1 has subordinate ids"
  else
    grep -q "^$1:" /etc/subuid || skip "useradd gives new users no subordinate ids here (SUB_UID_COUNT in /etc/login.defs)"
  fi
  for p in "$waybill" "$fixtures/base.tar"; do
    runuser -u "$1" -- test -r "$p" || skip "$p is not readable by an ordinary user"
  done
}
home_of() { getent passwd "$1" | cut -d: -f6; }

# as USER ARGS...: waybill ARGS as USER in its home, with a store there; sets $out, $err
# and $code. RUN_ENV (an array) adds variables.
RUN_ENV=()
as() {
  local user=$1
  shift
  local home
  home=$(home_of "$user")
  set +e
  out=$(cd "${AS_DIR:-$home}" && runuser -u "$user" -- env HOME="$home" WAYBILL_HOME="$home/store" "${RUN_ENV[@]}" \
    "$waybill" "$@" 2> /tmp/rootless-err.$$)
  code=$?
  set -e
  err=$(cat /tmp/rootless-err.$$)
}
# as_ok USER ARGS...: as, and fails the test unless waybill exits 0.
as_ok() {
  as "$@"
  [ "$code" = 0 ] || fail "waybill ${*:2} as $1: exit $code: $err"
}
