#!/usr/bin/env bash
# The flagship paper renders, from its own front matter, to HTML and PDF; the PDF has
# the expected pages and text, and the HTML is valid HTML5.
set -euo pipefail
waybill=$1
samples=$2
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
[ "$pages" = 4 ] || { echo "paper.pdf has $pages pages, expected 4"; exit 1; }
pdftotext "$out/paper.pdf" "$out/paper.txt"
for text in "Summation Order and Floating-Point Drift" "Ada Quill" "Abstract" "Contents" \
            "1 Introduction" "2 Background" "Table 1: First-order error bounds" "Equation 1" \
            "Figure 1: Relative error" "Environment: analysis (Dockerfile)" "Higham 1993" \
            "References" "Goldberg, David. 1991." "Not executed"; do
  grep -qF "$text" "$out/paper.txt" || { echo "paper.pdf lacks the text: $text"; exit 1; }
done
for text in 'class="math display"' 'id="fig-drift"' 'id="tbl-bounds"' 'href="#ref-higham1993accuracy"' \
            'class="callout callout-note"' 'details class="environment"'; do
  grep -qF "$text" "$out/paper.html" || { echo "paper.html lacks: $text"; exit 1; }
done
echo "flagship: $pages pages, text and HTML as expected"
