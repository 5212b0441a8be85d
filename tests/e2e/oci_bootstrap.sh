#!/usr/bin/env bash
# `image bootstrap` is reproducible under SOURCE_DATE_EPOCH (a second bootstrap into an
# empty store gives the fixture's manifest digest), and records how the base was made.
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
fixtures=$2
[ -f "$fixtures/base.tar" ] || { echo "SKIP: no base image fixture (mmdebstrap missing?)"; exit 77; }
need_mirror
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
first=$(WAYBILL_HOME=$fixtures/base-home "$waybill" image inspect debian-base:test)
export WAYBILL_HOME=$work/home SOURCE_DATE_EPOCH=1700000000
"$waybill" image bootstrap debian-base:test --suite bookworm
second=$("$waybill" image inspect debian-base:test)
/usr/bin/python3 - "$first" "$second" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1])[0], json.loads(sys.argv[2])[0]
assert a["Id"] == b["Id"], f"two bootstraps differ: {a['Id']} != {b['Id']}"
labels = b["Labels"]
for key in ["suite", "variant", "mirror", "packages", "tool", "source-date-epoch"]:
    assert labels.get("org.waybill.bootstrap." + key), f"label {key} missing"
assert labels["org.waybill.bootstrap.suite"] == "bookworm"
assert "http" in labels["org.waybill.bootstrap.mirror"]
packages = labels["org.waybill.bootstrap.packages"].split()
assert any(p.startswith("apt=") for p in packages) and len(packages) > 50, packages[:5]
assert b["Created"] == "2023-11-14T22:13:20Z", b["Created"]
print("reproducible:", b["Id"], "with", len(packages), "packages recorded")
PY
