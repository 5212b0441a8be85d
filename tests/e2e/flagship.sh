#!/usr/bin/env bash
# The flagship paper renders, from its own front matter, to HTML and PDF; the PDF has
# the expected pages and text, and the HTML is valid HTML5.
set -euo pipefail
waybill=$1
samples=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: the flagship's cells run in boxes, which need root (CI runs as root)"; exit 77; }
# WAYBILL_HOME: the flagship fixture's store, where its image and cells are cached.
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$waybill" render "$samples/paper/paper.md" -o "$out" 2> "$out/stderr.txt" || { cat "$out/stderr.txt"; exit 1; }
cat "$out/stderr.txt"
if grep -q "warning" "$out/stderr.txt"; then echo "the flagship renders with warnings"; exit 1; fi
test -s "$out/paper.html"
test -s "$out/paper.pdf"
/usr/bin/python3 "$here/tools/check_html5.py" "$out/paper.html"

pages=$(pdfinfo "$out/paper.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" = 5 ] || { echo "paper.pdf has $pages pages, expected 5"; exit 1; }
pdftotext "$out/paper.pdf" "$out/paper.txt"
for text in "Summation Order and Floating-Point Drift" "Ada Quill" "Abstract" "Contents" \
            "1 Introduction" "2 Background" "Table 1: First-order error bounds" "Equation 1" \
            "Figure 1: Relative error" "Environment: analysis (Dockerfile)" "Higham 1993" \
            "References" "Goldberg, David. 1991." "Table 2: Relative errors" "numpy 1.24" \
            "Environment: analysis (Dockerfile)"; do
  grep -qF "$text" "$out/paper.txt" || { echo "paper.pdf lacks the text: $text"; exit 1; }
done
for text in 'class="math display"' 'id="fig-drift"' 'id="tbl-bounds"' 'href="#ref-higham1993accuracy"' \
            'class="callout callout-note"' 'details class="environment"' 'src="paper_files/figures/fig-drift-1.png"' \
            'id="tbl-errors"' 'class="inline-value"' 'cell-output-stdout'; do
  grep -qF "$text" "$out/paper.html" || { echo "paper.html lacks: $text"; exit 1; }
done
grep -qF "Not executed" "$out/paper.txt" && { echo "paper.pdf has cells that did not run"; exit 1; }
test -s "$out/paper_files/figures/fig-drift-1.png"
echo "flagship: $pages pages, text and HTML as expected"
