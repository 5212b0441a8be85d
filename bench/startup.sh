#!/usr/bin/env bash
# Start-up cost of the binary itself (ARCHITECTURE.md, "Module seams"):
# `waybill --help` loads only the lean executable; rendering a one-line document also
# loads the document module and its libraries. /bin/true is the floor.
#
# usage: bench/startup.sh [RUNS]     (default 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '# Hello\n\nOne line.\n' > "$work/tiny.md"
json=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$runs" \
  --label true -- /bin/true \
  --label help -- "$waybill" --help \
  --label render -- "$waybill" render "$work/tiny.md" -o "$work/out" -q)
/usr/bin/python3 - "$json" "$runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, re, sys
d, runs, results = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
ms = lambda k: d[k]["median_s"] * 1000
section = f"""<!-- startup:begin -->
## Start-up (issue 2)

`bench/startup.sh`: medians of {runs} interleaved rounds on {platform.node()} ({datetime.date.today()}).

| command | median |
|:--|--:|
| `/bin/true` (the floor) | {ms('true'):.2f} ms |
| `waybill --help` (the executable alone) | {ms('help'):.2f} ms |
| `waybill render tiny.md` (plus the document module, one render) | {ms('render'):.2f} ms |

The executable links no heavy library; cmark-gfm, libfyaml, source-highlight (with
Boost.Regex) and OpenSSL are in the document module, loaded only by verbs that render.
<!-- startup:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "startup", section)
PY
