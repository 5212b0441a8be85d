#!/usr/bin/env bash
# CTest fixture: a Debian bookworm base bootstrapped by waybill (mmdebstrap, with
# SOURCE_DATE_EPOCH set) into a store under the build tree, and saved as an archive.
# Kept between runs; later runs reuse it.
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
dir=$2
home=$dir/base-home
if [ -f "$dir/base.tar" ] && WAYBILL_HOME=$home "$waybill" image inspect debian-base:test > /dev/null 2>&1; then
  echo "reusing the base image in $home"
  exit 0
fi
if ! command -v mmdebstrap > /dev/null; then
  echo "SKIP: mmdebstrap is not installed (apt-get install mmdebstrap)"
  exit 77
fi
need_mirror
rm -rf "$home" "$dir/base.tar"
mkdir -p "$dir"
export WAYBILL_HOME=$home SOURCE_DATE_EPOCH=1700000000
"$waybill" image bootstrap debian-base:test --suite bookworm
"$waybill" image save -o "$dir/base.tar" debian-base:test
"$waybill" image ls
