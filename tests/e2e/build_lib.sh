# Shared by the build tests: root check, a store of their own holding the Debian base
# (loaded from the fixture's archive), and `build` with exit-code checks.
# Sourced with the waybill binary and the fixtures directory as $1 and $2.
source "$(dirname "${BASH_SOURCE[0]}")/box_lib.sh"
[ -f "$fixtures/base.tar" ] || { echo "SKIP: no base image archive (mmdebstrap missing?)"; exit 77; }

# fresh_home DIR: an empty store with the base image in it.
fresh_home() {
  export WAYBILL_HOME=$1
  mkdir -p "$WAYBILL_HOME"
  "$waybill" -q image load -i "$fixtures/base.tar" > /dev/null
}
fresh_home "$work/home"

# build CODE ARGS...: `waybill build ARGS`, which must exit with CODE; sets $out (the
# digest) and $err (progress and errors).
build() { expect "$1" build "${@:2}"; }
# config IMAGE: `image inspect` of the image (Config, History, ...) as JSON.
config() { "$waybill" image inspect "$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]))'; }
# field JSON PYTHON-EXPR: evaluates EXPR with `c` bound to the parsed JSON.
field() { python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
