#!/usr/bin/env bash
# The project's documentation is a waybill site: `waybill site site/` builds every page
# with no warning and no broken link, and every page it writes is valid HTML5.
set -euo pipefail
waybill=$1
site=$2
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$waybill" site "$site" -o "$out/site" -q --stats "$out/stats.json" 2> "$out/stderr.txt" || { cat "$out/stderr.txt"; exit 1; }
if [ -s "$out/stderr.txt" ]; then echo "the documentation builds with messages:"; cat "$out/stderr.txt"; exit 1; fi
n=$(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["pages_rendered"] if not s["failed"] else -1)' "$out/stats.json")
[ "$n" -ge 10 ] || { echo "expected at least 10 pages in $site, rendered $n"; exit 1; }
mapfile -t pages < <(find "$out/site" -name '*.html')
# check_html5.py exits 77, saying why, without html5lib: a skip, passed on.
/usr/bin/python3 "$here/tools/check_html5.py" "${pages[@]}" || exit $?
echo "$n documentation pages built into a site, ${#pages[@]} HTML files valid"
