# Shared by the box tests: root check, the Debian base fixture, and assertions.
# Sourced with the waybill binary and the fixtures directory as $1 and $2.
set -euo pipefail
waybill=$1
fixtures=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: boxes need root (CI runs as root)"; exit 77; }
[ -d "$fixtures/base-home" ] || { echo "SKIP: no base image fixture (mmdebstrap missing?)"; exit 77; }
export WAYBILL_HOME=$fixtures/base-home
img=debian-base:test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
# No box leaves anything behind: no state directory, no cgroup.
no_leftovers() {
  local left
  left=$(find "$WAYBILL_HOME/boxes" -mindepth 1 -maxdepth 2 ! -name scratch ! -name leases | wc -l)
  [ "$left" = 0 ] || fail "box state left behind: $(ls "$WAYBILL_HOME/boxes")"
  left=$(find /sys/fs/cgroup -maxdepth 4 -name 'waybill-*' 2> /dev/null | wc -l)
  [ "$left" = 0 ] || fail "cgroups left behind: $(find /sys/fs/cgroup -maxdepth 4 -name 'waybill-*')"
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
