#!/usr/bin/env bash
# The project's documentation is written as waybill documents: every page renders to
# HTML without a warning, and the HTML is valid HTML5.
set -euo pipefail
waybill=$1
site=$2
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for doc in "$site"/*.md; do
  "$waybill" render "$doc" --to html -o "$out" -q 2> "$out/stderr.txt" || { cat "$out/stderr.txt"; exit 1; }
  if [ -s "$out/stderr.txt" ]; then echo "$doc renders with messages:"; cat "$out/stderr.txt"; exit 1; fi
  n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "expected at least 3 pages in $site"; exit 1; }
/usr/bin/python3 "$here/tools/check_html5.py" "$out"/*.html
echo "$n documentation pages rendered"
