# Shared by the box tests: root check, the Debian base fixture, and assertions.
# Sourced with the waybill binary and the fixtures directory as $1 and $2.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/net_lib.sh"
waybill=$1
fixtures=$2
if [ -n "${WAYBILL_TEST_ROOTLESS:-}" ]; then
  # Run by rootless_variant.sh as an ordinary user, on a store of its own (WAYBILL_HOME).
  [ "$(id -u)" != 0 ] || { echo "FAIL: WAYBILL_TEST_ROOTLESS is set, but this is root"; exit 1; }
else
  [ "$(id -u)" = 0 ] || { echo "SKIP: boxes need root (CI runs as root; rootless_variant.sh runs this as a user)"; exit 77; }
  [ -d "$fixtures/base-home" ] || { echo "SKIP: no base image fixture (mmdebstrap missing?)"; exit 77; }
  export WAYBILL_HOME=$fixtures/base-home
fi
img=debian-base:test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Root is not enough where namespaces cannot be made (a container without CAP_SYS_ADMIN,
# seccomp refusing clone3): then no box starts, and the test cannot check anything.
if ! "$waybill" -q run "$img" true > /dev/null 2> "$work/probe"; then
  why=$(grep -m1 -F "create the box's namespaces" "$work/probe" || true)
  [ -z "$why" ] || { echo "SKIP: boxes cannot be created here: $why"; exit 77; }
fi

# Cgroups that were there before this test (a waybill killed elsewhere, with its lease in
# another home) are not this test's leftovers. find fails when a directory goes away
# under it (another test's box ending), which must not end this test.
box_cgroups() { { find /sys/fs/cgroup -maxdepth 8 -name 'waybill-*' 2> /dev/null || true; } | sort; }
box_cgroups > "$work/cgroups-before"

fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok: $*"; }
# expect CODE ARGS...: `waybill ARGS`, which must exit with CODE; sets $out and $err.
expect() {
  local want=$1
  shift
  set +e
  out=$("$waybill" "$@" 2> "$work/stderr")
  local code=$?
  set -e
  err=$(cat "$work/stderr")
  [ "$code" = "$want" ] || fail "waybill $*: exit $code, expected $want
stdout: $out
stderr: $err"
}
# box CODE ARGS...: `waybill run ARGS`, which must exit with CODE.
box() { expect "$1" run "${@:2}"; }
contains() { grep -qF -- "$2" <<< "$1" || fail "expected \`$2\` in:
$1"; }
lacks() { ! grep -qF -- "$2" <<< "$1" || fail "did not expect \`$2\` in:
$1"; }
# need_limits: skips the test, saying why, where waybill cannot enforce cgroup limits
# (it warns "... is not enforced" or "swap is not limited", and runs the box anyway).
need_limits() {
  local why
  "$waybill" run --memory 64m --pids 64 --cpus 1 "$img" true > /dev/null 2> "$work/limits" || true
  why=$(grep -m1 -e "is not enforced" -e "swap is not limited" "$work/limits" || true)
  [ -z "$why" ] || { echo "SKIP: $why"; exit 77; }
}
# No box leaves anything behind: no state directory, no cgroup (on cgroup v1 they sit
# under the cgroup waybill runs in, which may be deep).
no_leftovers() {
  local left
  left=$(find "$WAYBILL_HOME/boxes" -mindepth 1 -maxdepth 2 ! -name scratch ! -name leases | wc -l)
  [ "$left" = 0 ] || fail "box state left behind: $(ls "$WAYBILL_HOME/boxes")"
  left=$(box_cgroups | comm -13 "$work/cgroups-before" -)
  [ -z "$left" ] || fail "cgroups left behind: $left"
}
# A tiny root file system: dash and the libraries it needs, to build hostile images.
tiny_rootfs() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp"
  cp /bin/dash "$dir/bin/sh"
  for lib in $(ldd /bin/dash | grep -o '/[^ ]*'); do
    mkdir -p "$dir$(dirname "$lib")"
    cp "$lib" "$dir$lib"
  done
}
