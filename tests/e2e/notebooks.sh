#!/usr/bin/env bash
# Jupyter notebooks (issue 22), as a user brings them:
#   - nbformat's own test notebooks render with --no-execute, showing the outputs they were
#     saved with (stream, HTML, PNG figure); an nbformat 3 notebook is refused with the
#     command that converts it;
#   - a notebook whose environment is in its metadata runs in the image: its cells' real
#     outputs replace the stored ones, it locks and checks clean, and a failing cell is
#     reported at the notebook's own line.
# usage: notebooks.sh WAYBILL FIXTURES DATA
set -euo pipefail
waybill=$1
fixtures=$2
data=$3
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok: $*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/store

cp "$data"/nbformat/*.ipynb "$work/"
"$waybill" render "$work/test4.ipynb" --no-execute 2> "$work/err" || fail "test4.ipynb: $(cat "$work/err")"
html=$(cat "$work/test4.html")
for text in 'Lorem ipsum' '<h1 id="nbconvert-latex-test">' 'hello' '<b>HTML</b>' 'src="test4_files/figures/'; do
  grep -qF -- "$text" <<< "$html" || fail "test4.html lacks: $text"
done
grep -q "outputs it was saved with" "$work/err" || fail "no word that stored outputs are shown: $(cat "$work/err")"
[ -n "$(find "$work/test4_files/figures" -name '*.png' -size +1k)" ] || fail "the stored PNG was not written"
"$waybill" render "$work/test4.5.ipynb" "$work/many_tracebacks.ipynb" --no-execute 2> "$work/err" ||
  fail "nbformat 4.5 notebooks: $(cat "$work/err")"
set +e
"$waybill" render "$work/test3.ipynb" 2> "$work/err"
code=$?
set -e
[ "$code" = 1 ] && grep -q "test3.ipynb:1:1: error: nbformat 3 notebooks are not read" "$work/err" &&
  grep -q "jupyter nbconvert --to notebook --nbformat 4" "$work/err" || fail "nbformat 3: exit $code: $(cat "$work/err")"
pass "nbformat's notebooks render with their stored outputs; nbformat 3 is refused with the way out"

[ "$(id -u)" = 0 ] || { echo "SKIP: the rest runs cells in boxes as root (CI runs as root)"; exit 77; }
"$waybill" -q image load -i "$fixtures/base.tar"
/usr/bin/python3 - "$work/run.ipynb" <<'PY'
import json, sys
cell = lambda src, outputs=(): {"cell_type": "code", "execution_count": None, "metadata": {},
                                "outputs": list(outputs), "source": src}
nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Sums\n", "\n", "Computed in the image."]},
        cell(["echo $((1 + 2 + 3))\n", "echo done"],
             [{"name": "stdout", "output_type": "stream", "text": ["STALE OUTPUT\n"]}]),
        cell(["echo fine\n", "exit 3"])],
      "metadata": {"kernelspec": {"display_name": "Bash", "language": "bash", "name": "bash"},
                   "title": "A bash notebook", "waybill": {"lock": True,
                   "manifest": {"languages": {"bash": {"image": "debian-base:test"}}}}},
      "nbformat": 4, "nbformat_minor": 5}
json.dump(nb, open(sys.argv[1], "w"), indent=1)
PY
set +e
"$waybill" render "$work/run.ipynb" 2> "$work/err"
code=$?
set -e
line=$(grep -n '"exit 3"' "$work/run.ipynb" | cut -d: -f1)
[ "$code" = 1 ] && grep -q "run.ipynb:$((line - 1)):[0-9]*: error: the bash cell" "$work/err" ||
  fail "the failing cell is not reported at the notebook's line $((line - 1)): exit $code: $(cat "$work/err")"
/usr/bin/python3 - "$work/run.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
del nb["cells"][2]
json.dump(nb, open(sys.argv[1], "w"), indent=1)
PY
"$waybill" render "$work/run.ipynb" 2> "$work/err" || fail "render: $(cat "$work/err")"
grep -q "<code>6" "$work/run.html" && grep -q "done" "$work/run.html" || fail "the cell's output is not in the page"
grep -q "STALE OUTPUT" "$work/run.html" && fail "the stored output was shown instead of the cell's"
[ -f "$work/run.provenance.json" ] && [ -f "$work/run.waybill.lock" ] || fail "no record or lock: $(ls "$work")"
"$waybill" check "$work/run.ipynb" > "$work/out" 2>&1 || fail "check: $(cat "$work/out")"
pass "a bash notebook runs in its image: its outputs, a record and a lock, a clean check, errors at its lines"
