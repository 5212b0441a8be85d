#!/usr/bin/env bash
# Starting a box that runs `true` on the Debian base (issue 4): `waybill run` against
# bubblewrap on the same unpacked root and podman (runc) on the same image, in
# interleaved rounds. Needs root, mmdebstrap (for the base), bwrap and podman.
#
# usage: bench/start.sh [RUNS]     (default 200; podman runs a tenth as often)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-200}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "boxes need root: run as root"; exit 3; }
for tool in bwrap podman; do
  command -v $tool > /dev/null || { echo "install $tool (apt-get install bubblewrap podman)"; exit 3; }
done
# The same Debian base for all three: the test fixture's store, and its archive for podman.
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/oci_fixture.sh" "$waybill" "$fixtures" > /dev/null
export WAYBILL_HOME=$fixtures/base-home
"$waybill" run -q debian-base:test true   # unpacks the layer and caches the run config once
layer=$(dirname "$(find "$WAYBILL_HOME/layers/sha256" -mindepth 2 -maxdepth 2 -name etc -type d | head -1)")
podconf=$(mktemp)
trap 'rm -f "$podconf"' EXIT
printf '[containers]\ndefault_ulimits = []\n' > "$podconf"
export CONTAINERS_CONF=$podconf
podman load -q -i "$fixtures/base.tar" > /dev/null
pod_image=docker.io/library/debian-base:test

measure() {
  /usr/bin/python3 "$root/bench/lib/measure.py" --runs "$1" \
    --label waybill -- "$waybill" run debian-base:test true \
    --label bwrap -- bwrap --unshare-all --bind "$layer" / --proc /proc --dev /dev true \
    "${@:2}"
}
fast=$(measure "$runs")
slow=$(measure $(( runs / 10 > 5 ? runs / 10 : 5 )) \
  --label podman -- podman --runtime runc run --rm --network=none "$pod_image" true)
# What a box's start-up is made of, from strace's per-call times (-T) of one run.
profile=$(strace -f -T -e trace=clone3,mount,pivot_root,umount2,execve,seccomp,wait4,exit_group \
  "$waybill" run debian-base:test true 2>&1 >/dev/null | /usr/bin/python3 -c '
import re, sys
sums = {}
for line in sys.stdin:
    m = re.search(r"<\.\.\. (\w+) resumed>.*<([0-9.]+)>$", line) or re.search(r"(\w+)\(.*<([0-9.]+)>$", line)
    if m: sums[m.group(1)] = sums.get(m.group(1), 0) + float(m.group(2))
print(", ".join(f"{k} {v*1000:.2f} ms" for k, v in sorted(sums.items(), key=lambda kv: -kv[1])))')

/usr/bin/python3 - "$fast" "$slow" "$runs" "$profile" "$root/bench/RESULTS.md" <<'PY'
import json, sys, re, datetime, platform
fast, slow = json.loads(sys.argv[1]), json.loads(sys.argv[2])
runs, profile, results = sys.argv[3], sys.argv[4], sys.argv[5]
ms = lambda d, k: d[k]["median_s"] * 1000
w, b, p = ms(fast, "waybill"), ms(fast, "bwrap"), ms(slow, "podman")
section = f"""<!-- start:begin -->
## Starting a box (issue 4)

`bench/start.sh`: a box running `true` on the Debian base, medians of {runs} interleaved
rounds (podman: {slow['podman']['runs']}) on {platform.node()} ({datetime.date.today()}).

| command | median | waybill is |
|:--|--:|--:|
| `waybill run debian-base:test true` | {w:.2f} ms | |
| `bwrap --unshare-all --bind ROOTFS / --proc /proc --dev /dev true` | {b:.2f} ms | {b/w:.2f}x as fast |
| `podman --runtime runc run --rm --network=none IMAGE true` | {p:.2f} ms | {p/w:.1f}x as fast |

Targets: at or below bubblewrap's median, and at least 40x faster than podman.

Kernel time of one run by system call (strace -T): {profile}.
<!-- start:end -->"""
text = open(results, encoding="utf-8").read()
if "<!-- start:begin -->" in text:
    text = re.sub(r"<!-- start:begin -->.*?<!-- start:end -->", section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(results, "w", encoding="utf-8").write(text)
print(section)
PY
