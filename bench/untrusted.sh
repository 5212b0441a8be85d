#!/usr/bin/env bash
# Hostile input to the host process (issues 18 and 25): time and peak memory of
# waybill on the attack documents that need no box, side by side with the peers that
# read the same input where one is installed:
#   - a billion-laughs front matter (300 bytes, 9^9 values once expanded): waybill
#     refuses it; PyYAML (safe_load) reads it, sharing the aliased lists;
#   - a code cell with one 12 KB line (--no-execute): waybill shows it unhighlighted
#     past 1,000 characters; Pygments highlights it;
#   - 10,000 nested list items and a 50 MB document: refused at their place.
# Interleaved rounds, medians (bench/lib/measure.py).
#
# usage: bench/untrusted.sh [RUNS]     (default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" -c "import yaml, pygments" 2> /dev/null || { echo "the peers are missing: apt-get install python3-yaml python3-pygments"; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/home

# The inputs: the suite's attack documents, and generated ones.
cp "$root/tests/e2e/adversarial/billion-laughs.md" "$work/laughs.md"
sed -n '2,10p' "$work/laughs.md" > "$work/laughs.yaml"
"$python" - "$work" <<'PY'
import os, sys
work = sys.argv[1]
line = "x = [" + ", ".join(f'"a{i}" + f({i})' for i in range(1000)) + "]"
line = line[:12 * 1024]
open(os.path.join(work, "line.md"), "w").write("# A long line\n\n```python\n" + line + "\n```\n")
open(os.path.join(work, "line.py"), "w").write(line + "\n")
open(os.path.join(work, "lists.md"), "w").write("- " * 10000 + "x\n")  # one line, 10,000 lists deep
with open(os.path.join(work, "big.md"), "w") as f:
    row = "- " + "word " * 20 + "\n"
    f.write("# Big\n\n" + row * ((50 << 20) // len(row)))
PY

# A refusal is the expected outcome: exit 1, and nothing else, counts as success.
refused() { printf '%s' "\"$waybill\" -q render \"$work/$1\" --no-execute --to html -o \"$work/out\"; [ \$? = 1 ]"; }
json=$("$python" "$root/bench/lib/measure.py" --runs "$runs" \
  --label laughs-waybill -- sh -c "$(refused laughs.md)" \
  --label laughs-pyyaml -- "$python" -c "import yaml, sys; yaml.safe_load(open(sys.argv[1]))" "$work/laughs.yaml" \
  --label line-waybill -- "$waybill" -q render "$work/line.md" --no-execute --to html -o "$work/out" \
  --label line-pygments -- "$python" -m pygments -l python -f html -o "$work/line.html" "$work/line.py" \
  --label lists-waybill -- sh -c "$(refused lists.md)" \
  --label big-waybill -- sh -c "$(refused big.md)")

"$python" - "$json" "$root/bench/RESULTS.md" "$runs" "$("$python" -c 'import yaml, pygments; print(yaml.__version__, pygments.__version__)')" <<'PY'
import json, sys, datetime, socket
sys.path.insert(0, sys.argv[2].rsplit("/", 1)[0] + "/lib")
from results import write_section
r, runs = json.loads(sys.argv[1]), sys.argv[3]
pyyaml, pygments = sys.argv[4].split()
def row(label, what, outcome):
    m = r[label]
    return f"| {what} | {m['median_s'] * 1000:.0f} ms | {m['peak_rss_mb']:.0f} MB | {outcome} |"
rows = [
    row("laughs-waybill", "billion laughs, waybill", "refused at its line: more than 100,000 values"),
    row("laughs-pyyaml", f"billion laughs, PyYAML {pyyaml} safe_load", "read (aliases shared, not copied)"),
    row("line-waybill", "12 KB line of code, waybill (render, no execution)", "page written, line not highlighted"),
    row("line-pygments", f"12 KB line of code, Pygments {pygments}", "highlighted"),
    row("lists-waybill", "10,000 nested list items, waybill", "refused: nested more than 100 levels"),
    row("big-waybill", "a 50 MB document, waybill", "refused: documents of up to 16 MiB"),
]
section = f"""<!-- untrusted:begin -->
## Hostile input to the host (issues 18 and 25)

`bench/untrusted.sh`: the attack documents that need no box, rendered with
`--no-execute`, side by side with the peers that read the same input. Medians of {runs}
interleaved rounds on {socket.gethostname()} ({datetime.date.today()}); peak memory is the
largest resident size of any run.

| input | median | peak memory | outcome |
|:--|--:|--:|:--|
""" + "\n".join(rows) + """

Before these issues, the billion-laughs front matter took 3.4 GB and 45 s (yaml-cpp
copied every alias), and a 12 KB line took 5.5 s to highlight; 10,000 nested list items
crashed the process. The attack documents that do run cells (forged replies, fork bombs,
endless output, memory hogs) are in the adversarial suite, which checks that waybill
itself stays under 200 MB through each of them.
<!-- untrusted:end -->"""
write_section(sys.argv[2], "untrusted", section)
PY
