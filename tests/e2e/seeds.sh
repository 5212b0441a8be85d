#!/usr/bin/env bash
# Every document in ../shared/seeds renders to HTML and to PDF without errors, and the
# HTML parses without errors in an HTML5 parser (html5lib, strict).
set -euo pipefail
waybill=$1
seeds=$2
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$seeds" ]; then
  echo "SKIP: $seeds does not exist (the shared seeds sit beside the repository in CI)"
  exit 77
fi
for tool in latexmk pdflatex pdfinfo pdftotext; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed (PDF output and its checks need it)"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for doc in "$seeds"/*; do
  [ -f "$doc" ] || continue
  name=$(basename "${doc%.*}")
  echo "== $name"
  # A seed names its bibliography in the folder above (../mlops.bib, missing there too):
  # outside its project, so allowed as its author would allow it, and then a warning.
  "$waybill" render "$doc" --to html,pdf -o "$out" -q --allow-path "$(dirname "$seeds")"
  test -s "$out/$name.html"
  test -s "$out/$name.pdf"
  pages=$(pdfinfo "$out/$name.pdf" | awk '/^Pages:/ {print $2}')
  [ "$pages" -ge 1 ] || { echo "$name.pdf has no pages"; exit 1; }
  words=$(pdftotext "$out/$name.pdf" - | wc -w)
  [ "$words" -ge 200 ] || { echo "$name.pdf has only $words words of text"; exit 1; }
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no seeds in $seeds"; exit 1; }
# check_html5.py exits 77, saying why, without html5lib: a skip, passed on.
/usr/bin/python3 "$here/tools/check_html5.py" "$out"/*.html || exit $?
echo "$n seeds rendered to valid HTML5 and to PDF"
