#!/usr/bin/env bash
# Images go both ways between waybill and podman/skopeo:
#  - a base bootstrapped and saved by waybill loads in podman, and runs there;
#  - images podman saves as oci-archive and as docker-archive load in waybill with the
#    same diff_ids;
#  - skopeo reads waybill's store as an `oci:` layout.
set -euo pipefail
waybill=$1
fixtures=$2
[ -f "$fixtures/base.tar" ] || { echo "SKIP: no base image fixture (mmdebstrap missing?)"; exit 77; }
for tool in podman skopeo runc; do
  command -v $tool > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: podman interop runs as root (in CI)"; exit 77; }

work=$(mktemp -d)
podman_root=$work/podman
cleanup() {
  podman --root "$podman_root/root" --runroot "$podman_root/run" rmi -a -f > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# podman as this machine allows it: runc, no ulimits to raise, its own storage.
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf
podman=(podman --root "$podman_root/root" --runroot "$podman_root/run" --runtime runc)

echo "== waybill image save -> podman load -> podman run"
"${podman[@]}" load -i "$fixtures/base.tar"
"${podman[@]}" run --rm --network none docker.io/library/debian-base:test cat /etc/os-release | tee "$work/os-release"
grep -q 'VERSION_CODENAME=bookworm' "$work/os-release"

diff_ids() { "$waybill" image inspect "$1" | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)[0]["RootFS"]["Layers"]))'; }
podman_diff_ids() { "${podman[@]}" image inspect "$1" --format '{{range .RootFS.Layers}}{{.}} {{end}}' | xargs; }
want=$(podman_diff_ids docker.io/library/debian-base:test)

for format in oci-archive docker-archive; do
  echo "== podman save --format $format -> waybill image load"
  home=$work/home-$format
  "${podman[@]}" save --format "$format" -o "$work/$format.tar" docker.io/library/debian-base:test
  WAYBILL_HOME=$home "$waybill" image load "$work/$format.tar"
  got=$(WAYBILL_HOME=$home diff_ids debian-base:test)
  [ "$got" = "$want" ] || { echo "diff_ids differ after $format: $got != $want"; exit 1; }
  WAYBILL_HOME=$home "$waybill" image unpack debian-base:test > /dev/null
  WAYBILL_HOME=$home "$waybill" image fsck
done

echo "== skopeo inspect oci:<store>"
store=$fixtures/base-home/store
skopeo inspect "oci:$store:docker.io/library/debian-base:test" | tee "$work/skopeo.json"
/usr/bin/python3 - "$work/skopeo.json" "$(WAYBILL_HOME=$fixtures/base-home "$waybill" image inspect debian-base:test)" <<'PY'
import json, sys
skopeo = json.load(open(sys.argv[1]))
ours = json.loads(sys.argv[2])[0]
assert skopeo["Digest"] == ours["Id"], (skopeo["Digest"], ours["Id"])
assert skopeo["Labels"]["org.waybill.bootstrap.suite"] == "bookworm"
print("skopeo sees", skopeo["Digest"])
PY
echo "interop ok"
