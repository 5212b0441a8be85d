#!/usr/bin/env bash
# Renders a 2 MB prose document (the shared seeds concatenated forty times) with
# `waybill render` and with `pandoc -f markdown -t html`, interleaved, and records the
# medians, their ratio and waybill's peak memory in bench/RESULTS.md.
# Target (issue 2): waybill at least 50x faster than pandoc, peak memory under 100 MB.
#
# usage: bench/render_markdown.sh [RUNS]     (default 7; the build must exist)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-7}
waybill=${WAYBILL:-$root/build/bin/waybill}
seeds=${SEEDS:-$root/../shared/seeds}
command -v pandoc > /dev/null || { echo "pandoc is not installed (apt-get install pandoc)"; exit 3; }
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ -d "$seeds" ] || { echo "no seeds at $seeds"; exit 3; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for _ in $(seq 40); do
  for f in "$seeds"/*; do cat "$f"; echo; done
done > "$work/big.md"
size=$(stat -c %s "$work/big.md")

json=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$runs" \
  --label waybill -- "$waybill" render "$work/big.md" --to html -o "$work/out" -q \
  --label pandoc -- pandoc -f markdown -t html "$work/big.md" -o "$work/pandoc.html")

/usr/bin/python3 - "$json" "$size" "$runs" "$root/bench/RESULTS.md" "$(pandoc --version | head -1)" "$("$waybill" --version | head -1)" <<'PY'
import datetime, json, os, platform, sys
data, size, runs, results, pandoc_v, waybill_v = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
w, p = data["waybill"], data["pandoc"]
ratio = p["median_s"] / w["median_s"]
section = f"""<!-- render_markdown:begin -->
## Markdown rendering (issue 2)

`bench/render_markdown.sh`: a {size / 1e6:.1f} MB document (the seeds concatenated 40 times)
rendered to HTML, {runs} interleaved rounds (each run after an untimed warm-up run), on {platform.node()} ({datetime.date.today()}).

| | median | min | max | peak memory |
|:--|--:|--:|--:|--:|
| {waybill_v} `render --to html` | {w['median_s'] * 1000:.1f} ms | {w['min_s'] * 1000:.1f} ms | {w['max_s'] * 1000:.1f} ms | {w['peak_rss_mb']:.0f} MB |
| {pandoc_v} `-f markdown -t html` | {p['median_s'] * 1000:.0f} ms | {p['min_s'] * 1000:.0f} ms | {p['max_s'] * 1000:.0f} ms | {p['peak_rss_mb']:.0f} MB |

waybill is **{ratio:.0f}x** faster than pandoc (target: 50x), with a peak of
{w['peak_rss_mb']:.0f} MB (target: under 100 MB).
<!-- render_markdown:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "render_markdown", section)
PY
