#!/usr/bin/env bash
# CTest fixture: the flagship sample rendered once into a store of its own under the
# build tree, from empty: its base bootstrapped through the manifest's `bases`, its image
# built, its cells run. The flagship tests then render from that store's caches. Kept
# between runs; a later run only renders (and re-runs what changed). On success it writes
# paper-home/.ready: the flagship tests skip without it (CTest runs them after a skip).
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
fixtures=$2
samples=$3
rm -f "$fixtures/paper-home/.ready" 2> /dev/null || true
[ "$(id -u)" = 0 ] || { echo "SKIP: cells run in boxes, which need root (CI runs as root)"; exit 77; }
command -v mmdebstrap > /dev/null || { echo "SKIP: mmdebstrap is not installed"; exit 77; }
export WAYBILL_HOME=$fixtures/paper-home
mkdir -p "$WAYBILL_HOME"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fresh=$("$waybill" image ls -q | wc -l)
# From an empty store, the manifest's base is bootstrapped and its image runs apt-get.
[ "$fresh" != 0 ] || need_mirror http://deb.debian.org/debian
"$waybill" render "$samples/paper/paper.md" --to html -o "$out" --stats "$out/stats.json"
cat "$out/stats.json"
if [ "$fresh" = 0 ]; then
  # From an empty store, the base came through `bases` (bootstrap) and the cells ran.
  inspect=$("$waybill" image inspect debian:bookworm)
  grep -q '"org.waybill.bootstrap.suite"' <<< "$inspect" ||
    { echo "debian:bookworm was not bootstrapped through the manifest's bases"; exit 1; }
  grep -q '"cells_run": 5' "$out/stats.json" || { echo "the flagship's cells did not all run"; exit 1; }
fi
touch "$WAYBILL_HOME/.ready"
