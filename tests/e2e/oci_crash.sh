#!/usr/bin/env bash
# `image load` of a large archive killed with SIGKILL at 20 points: after each kill the
# store passes fsck, and the next load succeeds.
set -euo pipefail
waybill=$1
fixtures=$2
[ -f "$fixtures/base.tar" ] || { echo "SKIP: no base image fixture (mmdebstrap missing?)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/home
# A larger archive: the base twice over, once with zstd layers.
"$waybill" image load "$fixtures/base.tar" > /dev/null
"$waybill" image import "$("$waybill" image unpack debian-base:test)" big:zstd --compression zstd > /dev/null
"$waybill" image save -o "$work/big.tar" debian-base:test big:zstd
ls -l "$work/big.tar"
start=$(date +%s%N)
"$waybill" image rm debian-base:test big:zstd > /dev/null
"$waybill" image load "$work/big.tar" > /dev/null
load_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "a full load takes about $load_ms ms"
for i in $(seq 1 20); do
  "$waybill" image rm debian-base:test big:zstd > /dev/null 2>&1 || true
  delay_ms=$(( load_ms * i / 21 ))
  "$waybill" image load "$work/big.tar" > /dev/null 2>&1 &
  pid=$!
  sleep "$(awk "BEGIN { print $delay_ms / 1000 }")"
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  left=$(find "$WAYBILL_HOME/tmp" -mindepth 1 -maxdepth 1 | wc -l)
  if ! "$waybill" image fsck > "$work/fsck.txt"; then
    echo "kill $i (after ${delay_ms} ms): fsck found problems"; cat "$work/fsck.txt"; exit 1
  fi
  "$waybill" image load "$work/big.tar" > /dev/null || { echo "kill $i: the next load failed"; exit 1; }
  "$waybill" image fsck > /dev/null
  echo "kill $i after ${delay_ms} ms ($left interrupted temporaries): store consistent, reload ok"
done
"$waybill" image prune
