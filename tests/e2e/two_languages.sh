#!/usr/bin/env bash
# The two-language sample: Python and R cells, each language in its own image built on
# the flagship's bootstrapped base, reading one declared input. Both languages' results
# show, agree in the text, come from the cache on a re-render, and re-run when the input
# changes. WAYBILL_HOME is the flagship fixture's store.
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
samples=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: cells run in boxes, which need root (CI runs as root)"; exit 77; }
[ -f "${WAYBILL_HOME:-}/.ready" ] ||
  { echo "SKIP: the flagship fixture did not run (no ${WAYBILL_HOME:-\$WAYBILL_HOME}/.ready)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$samples/two-languages" "$work/doc"
fail() { echo "FAIL: $*"; exit 1; }
stat() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/stats.json" "$1"; }

# The first render builds the two images (apt-get) unless the store has them from an
# earlier run: if it fails, a Debian mirror that cannot be reached is a skip.
if ! "$waybill" render "$work/doc/report.md" --stats "$work/stats.json"; then
  need_mirror http://deb.debian.org/debian
  fail "the first render failed"
fi
html=$(cat "$work/doc/report.html")
for text in 'Harbour     10.04' '<table class="dataframe">' 'src="report_files/figures/fig-seasons-1.png"' \
            'In Python, the warmest station is <span class="inline-value">Harbour</span>' \
            'In R, the warmest station is <span class="inline-value">Harbour</span>' \
            'mean of <span class="inline-value">10.04</span>' '<span class="caption-label">Figure' ; do
  grep -qF -- "$text" <<< "$html" || fail "report.html lacks: $text"
done
[ "$(grep -c 'mean of <span class="inline-value">10.04</span>' <<< "$html")" = 2 ] || fail "the languages disagree"
head -c 8 "$work/doc/report_files/figures/fig-seasons-1.png" | od -c | grep -q 'P   N   G' || fail "R's figure is not a PNG"
echo "ok: Python and R cells ran in their own images and agree"

"$waybill" render "$work/doc/report.md" --stats "$work/stats.json" -q
[ "$(stat boxes_started)" = 0 ] && [ "$(stat cells_cached)" = 3 ] || fail "a re-render ran something: $(cat "$work/stats.json")"
echo "ok: a re-render takes every result from the cache"

# A July that no earlier run has seen (the fixture's store outlives this test).
july="$((30 + RANDOM % 60)).$((RANDOM % 10))"
sed -i "s/^Harbour,7,.*/Harbour,7,$july/" "$work/doc/measurements.csv"
# The expected value computed as the cell does (statistics.mean rounds exactly).
mean=$(python3 -c 'import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["station"] == "Harbour"]
print("%.2f" % statistics.mean(float(r["temperature"]) for r in rows))' "$work/doc/measurements.csv")
"$waybill" render "$work/doc/report.md" --stats "$work/stats.json" -q
[ "$(stat boxes_started)" = 2 ] && [ "$(stat cells_run)" = 3 ] || fail "an input edit did not re-run both sessions: $(cat "$work/stats.json")"
# Python's value is checked to the digit; R rounds before printing, so a mean that ends
# in 5 may round the other way there.
grep -qF "mean of <span class=\"inline-value\">$mean</span>" "$work/doc/report.html" ||
  fail "the new input ($mean) does not show"
[ "$(grep -cF 'mean of <span class="inline-value">10.04</span>' "$work/doc/report.html")" = 0 ] ||
  fail "a language still shows the old mean"
echo "ok: editing the declared input re-runs both languages' cells"
