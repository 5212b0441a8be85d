#!/usr/bin/env bash
# Running cells (issue 6): a 50-cell Python document (each cell `x_i = i*2; print(x_i)`)
# rendered to HTML by waybill with its image already built and the cell cache cold
# (`--no-cache`), and again fully cached; side by side with the same 50 cells as a
# notebook through `jupyter nbconvert --to html --execute`, and 50 R chunks through
# `rmarkdown::render`, both on the host. Interleaved rounds, medians and peak memory.
# Needs root (boxes), the base fixture (mmdebstrap); installs the peers if missing.
#
# usage: bench/cells.sh [RUNS]     (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "cells run in boxes, which need root: run as root"; exit 3; }
peers=(jupyter-nbconvert python3-ipykernel python3-nbformat r-cran-rmarkdown r-cran-knitr pandoc)
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
cells = [f"x_{i} = {i}*2\nprint(x_{i})\n" for i in range(1, 51)]
doc = ["---\ntitle: Fifty cells\n---\n",
       "```dockerfile {#py}\nFROM debian-base:test\n"
       "RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 > /dev/null\n```\n"]
doc += ["```{python}\n" + c + "```\n" for c in cells]
open(f"{work}/cells.md", "w").write("\n".join(doc))
nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
      "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
                 "source": c} for i, c in enumerate(cells)]}
json.dump(nb, open(f"{work}/cells.ipynb", "w"))
rmd = ["---\ntitle: Fifty chunks\noutput: html_document\n---\n"]
rmd += [f"```{{r}}\nx_{i} <- {i}*2\nprint(x_{i})\n```\n" for i in range(1, 51)]
open(f"{work}/cells.Rmd", "w").write("\n".join(rmd))
PY

# The image is built (and the cache primed) before timing: the benchmark is the cells.
"$waybill" render "$work/cells.md" --to html -q
mkdir -p "$work/nb" "$work/rmd"
wb=("$waybill" render "$work/cells.md" --to html -q)
nb=(jupyter-nbconvert --to html --execute "$work/cells.ipynb" --output-dir "$work/nb")
rm_=(Rscript -e "rmarkdown::render('$work/cells.Rmd', output_dir = '$work/rmd', quiet = TRUE)")
m=$root/bench/lib/measure.py
cold=$(/usr/bin/python3 "$m" --runs "$runs" --label waybill -- "${wb[@]}" --no-cache \
  --label nbconvert -- "${nb[@]}" --label rmarkdown -- "${rm_[@]}")
cached=$(/usr/bin/python3 "$m" --runs $(( runs * 3 )) --label waybill -- "${wb[@]}")
"$waybill" render "$work/cells.md" --to html --no-cache --stats "$work/stats.json" -q
grep -q '"cells_run": 50' "$work/stats.json" || { echo "the cold render did not run 50 cells"; exit 1; }
"$waybill" render "$work/cells.md" --to html --stats "$work/stats.json" -q
grep -q '"cells_cached": 50' "$work/stats.json" || { echo "the cached render did not take 50 cells from the cache"; exit 1; }

/usr/bin/python3 - "$cold" "$cached" "$runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, subprocess, sys
cold, cached = json.loads(sys.argv[1]), json.loads(sys.argv[2])
runs, results = sys.argv[3], sys.argv[4]
ms = lambda d, k: d[k]["median_s"] * 1000
w, n, r, c = ms(cold, "waybill"), ms(cold, "nbconvert"), ms(cold, "rmarkdown"), ms(cached, "waybill")
peak = max(cold["waybill"]["peak_rss_mb"], cached["waybill"]["peak_rss_mb"])
ver = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
nbv = ver(["jupyter-nbconvert", "--version"])
rmv = ver(["Rscript", "-e", "cat(as.character(packageVersion('rmarkdown')))"])
met = lambda ok: "met" if ok else "missed"
section = f"""<!-- cells:begin -->
## Running cells (issue 6)

`bench/cells.sh`: a 50-cell Python document (each cell `x_i = i*2; print(x_i)`) to
HTML, its image already built, the cell cache cold (`--no-cache`); the same cells as a
notebook through nbconvert and as R chunks through rmarkdown, both on the host with no
container. Medians of {runs} interleaved rounds (cached: {int(runs) * 3}) on
{platform.node()} ({datetime.date.today()}).

| | median | peak memory | waybill is |
|:--|--:|--:|--:|
| waybill `render` (cells run in a box) | {w:.0f} ms | {cold['waybill']['peak_rss_mb']:.0f} MB | |
| `jupyter nbconvert --to html --execute` ({nbv}) | {n:.0f} ms | {cold['nbconvert']['peak_rss_mb']:.0f} MB | {n / w:.1f}x as fast |
| `rmarkdown::render` ({rmv}) | {r:.0f} ms | {cold['rmarkdown']['peak_rss_mb']:.0f} MB | {r / w:.1f}x as fast |
| waybill `render`, every cell cached | {c:.1f} ms | {cached['waybill']['peak_rss_mb']:.0f} MB | |

Targets: at most 1/5 of nbconvert's time ({met(w <= n / 5)}: {w / n:.2f}), at most 1/2
of rmarkdown's ({met(w <= r / 2)}: {w / r:.2f}), a cached re-render under 30 ms
({met(c < 30)}), peak memory under 60 MB ({met(peak < 60)}: {peak:.0f} MB, the box's
Python included).

Where the time goes: the image's build cache is checked (a few ms, its steps all
cached), one box starts (namespaces, overlay, seccomp: about 6 ms), Python starts in it
with the driver, and the 50 cells go over one pipe. nbconvert starts a Jupyter kernel
and talks to it over ZeroMQ; rmarkdown starts R, knits, then runs pandoc. A cached
re-render checks the image's build cache, hashes each cell into its key and reads one
small JSON file per cell; no box starts.
<!-- cells:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "cells", section)
PY
