#!/usr/bin/env bash
# Reproducibility of the whole chain: the flagship sample rendered twice, each time from
# an empty store, with SOURCE_DATE_EPOCH set, gives the same base and image digests,
# byte-identical outputs (page, PDF, figures, assets) and lock file, and a record that
# differs only in its times and invocation id. Root only (boxes), and slow: each render
# bootstraps Debian and installs NumPy and matplotlib.
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
samples=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: cells run in boxes, which need root (CI runs as root)"; exit 77; }
command -v mmdebstrap > /dev/null || { echo "SKIP: mmdebstrap is not installed"; exit 77; }
need_mirror http://deb.debian.org/debian  # the manifest's bootstrap mirror; apt-get uses it too
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
for i in 1 2; do
  mkdir -p "$work/doc$i"
  cp "$samples/paper/paper.md" "$samples/paper/references.bib" "$work/doc$i/"
  # The same relative path both times: the record names the document as it was given.
  (cd "$work/doc$i" && WAYBILL_HOME=$work/home$i "$waybill" -q render paper.md --lock)
  # Without the folder's hash in the document's image names (paper-1a2b3c4d/analysis):
  # the two folders differ, the images must not.
  WAYBILL_HOME=$work/home$i "$waybill" image ls | sed 's|^paper-[0-9a-f]\{8\}/|paper/|' > "$work/images$i.txt"
done
diff "$work/images1.txt" "$work/images2.txt" || { echo "the two stores hold different image digests"; exit 1; }
(cd "$work/doc1" && find . -type f ! -name paper.provenance.json | sort) > "$work/files1.txt"
(cd "$work/doc2" && find . -type f ! -name paper.provenance.json | sort) > "$work/files2.txt"
diff "$work/files1.txt" "$work/files2.txt" || { echo "the two renders wrote different files"; exit 1; }
while read -r f; do
  cmp "$work/doc1/$f" "$work/doc2/$f" || { diff "$work/doc1/$f" "$work/doc2/$f" | head -20; exit 1; }
done < "$work/files1.txt"
/usr/bin/python3 - "$work/doc1/paper.provenance.json" "$work/doc2/paper.provenance.json" <<'PY'
import json, sys
def timeless(path):
    st = json.load(open(path))
    run = st["predicate"]["runDetails"]
    run.pop("metadata")
    for b in run["byproducts"]:
        b["annotations"].pop("seconds")
    return st
a, b = timeless(sys.argv[1]), timeless(sys.argv[2])
assert a == b, "the records differ beyond their times:\n" + json.dumps(a, indent=1)[:3000]
print("records agree except for times and invocation ids")
PY
echo "two renders from empty stores: $(wc -l < "$work/files1.txt") identical files, images: $(tail -n +2 "$work/images1.txt" | awk '{print $1 ":" $2 "@" $3}' | tr '\n' ' ')"
