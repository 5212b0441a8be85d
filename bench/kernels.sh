#!/usr/bin/env bash
# Jupyter kernels as drivers (issue 22): 50 trivial Python cells (each `x_i = i*2;
# print(x_i)`) rendered to HTML by waybill through the IPython kernel in a box
# (`driver: jupyter`), and through waybill's own Python driver in the same image, with
# the image built and the cell cache cold (`--no-cache`); side by side with the same
# cells as a notebook through `jupyter nbconvert --to html --execute` on the host (no
# box). Interleaved rounds, medians and peak memory.
# Needs root (boxes), the base fixture (mmdebstrap); installs the peers if missing.
#
# usage: bench/kernels.sh [RUNS]     (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "cells run in boxes, which need root: run as root"; exit 3; }
peers=(jupyter-nbconvert python3-ipykernel python3-nbformat)
missing=()
for p in "${peers[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" > /dev/null
fi
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/oci_fixture.sh" "$waybill" "$fixtures" > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/home
"$waybill" -q image load -i "$fixtures/base.tar" > /dev/null

/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
cells = [f"x_{i} = {i}*2\nprint(x_i)\n".replace("x_i)", f"x_{i})") for i in range(1, 51)]
for name, driver in (("kernel", "driver: jupyter"), ("builtin", "driver: builtin")):
    doc = ["---\ntitle: Fifty cells\n---\n",
           "```dockerfile {#py}\nFROM debian-base:test\n"
           "RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3-ipykernel > /dev/null\n```\n",
           "```yaml {.manifest}\nlanguages:\n  python: {image: py, " + driver + "}\n```\n"]
    doc += ["```{python}\n" + c + "```\n" for c in cells]
    open(f"{work}/{name}.md", "w").write("\n".join(doc))
nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
      "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
                 "source": c} for i, c in enumerate(cells)]}
json.dump(nb, open(f"{work}/cells.ipynb", "w"))
PY

# The image is built (and both renders checked) before timing: the benchmark is the cells.
for name in kernel builtin; do
  "$waybill" render "$work/$name.md" --to html --no-cache --stats "$work/stats.json" -q
  grep -q '"cells_run": 50' "$work/stats.json" || { echo "$name.md did not run 50 cells"; exit 1; }
  grep -q '<code>100</code>' "$work/$name.html" || { echo "$name.html lacks the last cell's output"; exit 1; }
done
mkdir -p "$work/nb"
m=$root/bench/lib/measure.py
times=$(/usr/bin/python3 "$m" --runs "$runs" \
  --label kernel -- "$waybill" render "$work/kernel.md" --to html -q --no-cache \
  --label builtin -- "$waybill" render "$work/builtin.md" --to html -q --no-cache \
  --label nbconvert -- jupyter-nbconvert --to html --execute "$work/cells.ipynb" --output-dir "$work/nb")

/usr/bin/python3 - "$times" "$runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, subprocess, sys
t, runs, results = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
ms = lambda k: t[k]["median_s"] * 1000
k, b, n = ms("kernel"), ms("builtin"), ms("nbconvert")
nbv = subprocess.run(["jupyter-nbconvert", "--version"], capture_output=True, text=True).stdout.strip()
met = lambda ok: "met" if ok else "missed"
section = f"""<!-- kernels:begin -->
## Jupyter kernels (issue 22)

`bench/kernels.sh`: 50 trivial Python cells (each `x_i = i*2; print(x_i)`) to HTML, the
image (Debian's python3-ipykernel) already built, the cell cache cold (`--no-cache`);
the same cells as a notebook through nbconvert {nbv} (`--to html --execute`) on the
host with no box. Medians of {runs} interleaved rounds on {platform.node()}
({datetime.date.today()}):

| | median | peak memory | nbconvert's time over it |
|:--|--:|--:|--:|
| waybill, IPython kernel in a box (`driver: jupyter`) | {k:.0f} ms | {t['kernel']['peak_rss_mb']:.0f} MB | {n/k:.2f}x |
| waybill, its own Python driver in the same image | {b:.0f} ms | {t['builtin']['peak_rss_mb']:.0f} MB | {n/b:.2f}x |
| `jupyter nbconvert --to html --execute` | {n:.0f} ms | {t['nbconvert']['peak_rss_mb']:.0f} MB | |

Target: through the IPython kernel, at least 3x faster than nbconvert: {met(n / k >= 3)}
({n/k:.2f}x). The built-in driver stays the default: {k/b:.1f}x faster than the kernel
here, which spends most of its time starting IPython.
<!-- kernels:end -->
"""
text = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
begin, end = text.find("<!-- kernels:begin -->"), text.find("<!-- kernels:end -->")
text = text[:begin] + section + text[end + len("<!-- kernels:end -->\n"):] if begin >= 0 else text.rstrip("\n") + "\n\n" + section
open(results, "w").write(text)
print(section)
PY
