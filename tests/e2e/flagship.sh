#!/usr/bin/env bash
# The flagship paper renders, from its own front matter, to HTML and PDF; the PDF has
# the expected pages and text, and the HTML is valid HTML5.
set -euo pipefail
waybill=$1
samples=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: the flagship's cells run in boxes, which need root (CI runs as root)"; exit 77; }
# WAYBILL_HOME: the flagship fixture's store, where its image and cells are cached.
[ -f "${WAYBILL_HOME:-}/.ready" ] ||
  { echo "SKIP: the flagship fixture did not run (no ${WAYBILL_HOME:-\$WAYBILL_HOME}/.ready)"; exit 77; }
for tool in latexmk pdflatex pdfinfo pdftotext; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed (PDF output and its checks need it)"; exit 77; }
done
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
[ "$pages" = 6 ] || { echo "paper.pdf has $pages pages, expected 6 (5 and the provenance appendix)"; exit 1; }
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
# The provenance record beside the outputs: every subject hashes to what is on disk, the
# image and its bootstrapped base are named by digest, and every cell is a byproduct.
/usr/bin/python3 - "$out" <<'PY'
import hashlib, json, os, sys
out = sys.argv[1]
st = json.load(open(os.path.join(out, "paper.provenance.json")))
assert st["_type"] == "https://in-toto.io/Statement/v1" and st["predicateType"] == "https://slsa.dev/provenance/v1", st["_type"]
names = [s["name"] for s in st["subject"]]
for want in ("paper.html", "paper.pdf", "paper_files/figures/fig-drift-1.png"):
    assert want in names, (want, names)
for s in st["subject"]:
    data = open(os.path.join(out, s["name"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == s["digest"]["sha256"], s["name"]
pred = st["predicate"]
deps = {d["name"]: d for d in pred["buildDefinition"]["resolvedDependencies"]}
assert "image/analysis" in deps and deps["image/analysis"]["digest"]["sha256"], deps.keys()
base = deps["base/debian:bookworm"]["annotations"]
assert base["org.waybill.bootstrap.suite"] == "bookworm" and "python3" not in base["org.waybill.bootstrap.packages"], base
cells = {b["name"]: b["annotations"] for b in pred["runDetails"]["byproducts"]}
for label in ("cell/setup", "cell/errors", "cell/tbl-errors", "cell/fig-drift", "cell/environment"):
    assert label in cells and cells[label]["status"] == "ok" and cells[label]["cacheKey"], (label, cells.keys())
assert sum(n.startswith("inline/") for n in cells) == 2, cells.keys()
assert cells["cell/fig-drift"]["image"] == "sha256:" + deps["image/analysis"]["digest"]["sha256"]
meta = pred["runDetails"]["metadata"]
assert meta["invocationId"] and meta["startedOn"] <= meta["finishedOn"], meta
print("provenance record: %d subjects, %d dependencies, %d byproducts" % (len(names), len(deps), len(cells)))
PY
test -s "$out/paper_files/figures/fig-drift-1.png"
# The record validates against the in-toto and SLSA schemas; the page has a provenance
# panel and the PDF an appendix, naming the image's base.
/usr/bin/python3 "$here/tools/validate_record.py" "$here/../tool/prov/schemas" "$out/paper.provenance.json"
for text in 'details class="provenance"' '<td>debian:bookworm</td>' '<td>fig-drift</td>' 'href="paper.provenance.json"'; do
  grep -qF "$text" "$out/paper.html" || { echo "paper.html's provenance panel lacks: $text"; exit 1; }
done
for text in "Provenance" "debian:bookworm" "fig-drift" "paper.provenance.json"; do
  grep -qF "$text" "$out/paper.txt" || { echo "paper.pdf's provenance appendix lacks: $text"; exit 1; }
done

# Locked, the flagship passes check (its figure compared by hash); signed, its record
# catches a changed figure.
work=$out/check
mkdir "$work"
cp -r "$samples/paper/." "$work/"
rm -rf "$work"/paper.html "$work"/paper.pdf "$work"/paper_files "$work"/*.provenance.json "$work"/*.waybill.lock
"$waybill" -q render "$work/paper.md" --to html --lock
"$waybill" check -q "$work/paper.md" --junit "$work/junit.xml" > "$work/report.txt" || { cat "$work/report.txt"; exit 1; }
grep -q 'passed  cell/fig-drift' "$work/report.txt" || { cat "$work/report.txt"; exit 1; }
"$waybill" -q key generate -o "$work/key"
"$waybill" -q render "$work/paper.md" --to html --sign "$work/key.pem"
"$waybill" verify "$work/paper.provenance.json" --key "$work/key.pub.pem" --outputs
figure=$work/paper_files/figures/fig-drift-1.png
printf '\x00' | dd of="$figure" bs=1 seek=200 conv=notrunc 2> /dev/null
if "$waybill" verify "$work/paper.provenance.json" --key "$work/key.pub.pem" --outputs 2> "$work/verify.txt"; then
  echo "verify missed a changed figure"; exit 1
fi
grep -qF "paper_files/figures/fig-drift-1.png: changed" "$work/verify.txt" || { cat "$work/verify.txt"; exit 1; }
echo "flagship: $pages pages, text and HTML as expected; its record validates, check passes, verify catches a changed figure"
