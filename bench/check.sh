#!/usr/bin/env bash
# `waybill check` (issue 7): the flagship sample, its image warm (the flagship fixture's
# store), checked against its lock; side by side with the renders it is weighed against:
# an HTML render that runs every cell (`--no-cache`, the same work as check's re-run),
# the render the front matter asks for (HTML and PDF, cells run), and a fully cached
# HTML render. Interleaved rounds, medians. Needs root (boxes) and mmdebstrap (the
# fixture bootstraps its base once).
#
# usage: bench/check.sh [RUNS]     (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "cells run in boxes, which need root: run as root"; exit 3; }
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/flagship_fixture.sh" "$waybill" "$fixtures" "$root/samples" > /dev/null
export WAYBILL_HOME=$fixtures/paper-home
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/samples/paper/." "$work/"
rm -rf "$work"/paper.html "$work"/paper.pdf "$work"/paper_files "$work"/*.provenance.json
"$waybill" -q render "$work/paper.md" --lock
"$waybill" -q check "$work/paper.md" > /dev/null  # passes, or the benchmark means nothing

m=$root/bench/lib/measure.py
out=$(/usr/bin/python3 "$m" --runs "$runs" \
  --label check -- "$waybill" -q check "$work/paper.md" \
  --label render_html -- "$waybill" -q render "$work/paper.md" --to html --no-cache \
  --label render_default -- "$waybill" -q render "$work/paper.md" --no-cache \
  --label render_cached -- "$waybill" -q render "$work/paper.md" --to html)

/usr/bin/python3 - "$out" "$runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, sys
r, runs, results = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
ms = lambda k: r[k]["median_s"] * 1000
c, h, d, cached = ms("check"), ms("render_html"), ms("render_default"), ms("render_cached")
met = lambda ok: "met" if ok else "missed"
section = f"""<!-- check:begin -->
## Checking a document (issue 7)

`bench/check.sh`: the flagship sample (`samples/paper/`: five Python and shell cells,
NumPy and a matplotlib figure, two inline values), its image warm, checked against its
lock file. Medians of {runs} interleaved rounds on {platform.node()}
({datetime.date.today()}).

| | median | check costs |
|:--|--:|--:|
| `waybill check paper.md` (every cell run again, compared with the lock) | {c:.0f} ms | |
| `waybill render paper.md --to html --no-cache` (every cell run, HTML written) | {h:.0f} ms | {c / h:.2f}x |
| `waybill render paper.md --no-cache` (every cell run, HTML and PDF) | {d:.0f} ms | {c / d:.2f}x |
| `waybill render paper.md --to html`, every cell cached | {cached:.0f} ms | {c / cached:.1f}x |

Target: check at most 1.5x a plain render with warm images ({met(c <= 1.5 * h)}:
{c / h:.2f}x the HTML render that runs the same cells). check never takes a cell from the
cache, since a cached result would prove nothing; it costs what running the cells
costs, writes no page, and compares. A render that takes every cell from the cache
is, of course, much cheaper than either.
<!-- check:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "check", section)
PY
