#!/usr/bin/env bash
# Packs the bootstrapped Debian base (~170 MB) into a layer with waybill (gzip and zstd)
# and with `tar -cf - | gzip -6 | sha256sum`, and unpacks the gzip layer with waybill and
# with `tar -xzf`, side by side; records medians and ratios in bench/RESULTS.md. Every
# timed run starts after `sync`, so that none pays for the previous one's writeback.
# Targets (issue 3): gzip packing at least 3x faster than the pipeline, zstd at least
# 10x, unpacking no slower than tar. (The gzip layer loading in podman is checked by the
# e2e interop test.)
#
# usage: bench/layers.sh [RUNS]     (default 5; bootstraps a base when there is none)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/home

fixture=$root/build/test-fixtures/base.tar
if [ -f "$fixture" ]; then
  "$waybill" -q image load "$fixture" > /dev/null
else
  SOURCE_DATE_EPOCH=1700000000 "$waybill" -q image bootstrap debian-base:test --suite bookworm > /dev/null
fi
rootfs=$("$waybill" image unpack debian-base:test | tail -1)
size=$(du -sb "$rootfs" | cut -f1)
"$waybill" -q image import "$rootfs" bench:gzip --compression gzip > /dev/null
blob=$WAYBILL_HOME/store/blobs/sha256/$("$waybill" image inspect bench:gzip | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0]["digest"].split(":")[1])')
layers=$WAYBILL_HOME/layers/sha256
# Trees from earlier runs are moved aside, not deleted, until the end: on a disk mounted
# with `discard`, freeing 170 MB right before a run makes that run wait for the TRIM.
trash=$work/trash

json=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$runs" \
  --label pipeline --prepare sync -- sh -c "tar -C '$rootfs' -cf - . | gzip -6 | sha256sum > /dev/null" \
  --label pack_gzip --prepare sync -- "$waybill" -q image import "$rootfs" bench:gzip --compression gzip \
  --label pack_zstd --prepare sync -- "$waybill" -q image import "$rootfs" bench:zstd --compression zstd \
  --label tar_x --prepare "mkdir -p '$trash' && mv '$work/x' '$trash/x.'\$\$ 2>/dev/null; mkdir '$work/x' && sync" -- tar -xzf "$blob" -C "$work/x" \
  --label unpack --prepare "mkdir -p '$trash' && mv '$layers' '$trash/l.'\$\$ && mkdir '$layers' && sync" -- "$waybill" -q image unpack bench:gzip)

/usr/bin/python3 - "$json" "$runs" "$size" "$root/bench/RESULTS.md" "$(nproc)" <<'PY'
import datetime, json, os, platform, re, sys
d, runs, size, results, cores = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
m = lambda k: d[k]["median_s"]
row = lambda label, k: f"| {label} | {m(k):.2f} s |"
PIPE = "`tar -cf - \\| gzip -6 \\| sha256sum`"
section = f"""<!-- layers:begin -->
## Layers (issue 3)

`bench/layers.sh`: the bootstrapped Debian bookworm base ({size / 1e6:.0f} MB, apt variant) packed
and unpacked, {runs} interleaved rounds, medians, on {platform.node()} ({cores} cores, {datetime.date.today()}).

| | median |
|:--|--:|
{row(PIPE, "pipeline")}
{row("waybill, gzip (libdeflate level 6, 1 MiB members on every core)", "pack_gzip")}
{row("waybill, zstd (level 3, libzstd workers)", "pack_zstd")}
{row("`tar -xzf` of waybill's gzip layer", "tar_x")}
{row("waybill unpack of the same layer (verifying digest and diff_id)", "unpack")}

- gzip packing: **{m('pipeline') / m('pack_gzip'):.1f}x** faster than the pipeline (target: 3x).
- zstd packing: **{m('pipeline') / m('pack_zstd'):.1f}x** faster (target: 10x).
- unpacking: **{m('tar_x') / m('unpack'):.2f}x** the speed of `tar -xzf` (target: no slower, 1x or more).

waybill's times include writing the blob into the store, the image's config and
manifest, and both digests; the pipeline writes nothing.
<!-- layers:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "layers", section)
PY
