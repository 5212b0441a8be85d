#!/usr/bin/env bash
# `waybill site` (issue 9): a generated 30-page site (five sections; every page with
# headings, prose, a link to the next page and a shell cell run in the site's shared
# image), built once, then measured:
#   - a rebuild in which nothing changed (target: under 100 ms);
#   - a rebuild after one page's text changed (target: that page alone re-rendered,
#     checked through --stats);
# side by side with MkDocs (Debian's mkdocs), which builds the same 30 pages, without
# running anything, and rebuilds every page every time. Interleaved rounds, medians.
# Needs root (cells run in boxes) and the flagship fixture's store (its Debian base).
#
# usage: bench/site.sh [RUNS]     (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "cells run in boxes, which need root: run as root"; exit 3; }
command -v mkdocs > /dev/null || { echo "the peer is missing: apt-get install mkdocs"; exit 3; }
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/flagship_fixture.sh" "$waybill" "$fixtures" "$root/samples" > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -al "$fixtures/paper-home" "$work/home"
export WAYBILL_HOME=$work/home

/usr/bin/python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
site, docs = os.path.join(work, "site"), os.path.join(work, "mk", "docs")
os.makedirs(site); os.makedirs(docs)
sections = ["Basics", "Data", "Models", "Figures", "Publishing"]
yml = ["title: Thirty pages", "pages:"]
nav = ["site_name: Thirty pages", "nav:"]
for s, name in enumerate(sections):
    yml += [f"  - section: {name}", "    pages:"]
    nav += [f"  - {name}:"]
    for i in range(6):
        n = s * 6 + i + 1
        page = f"page-{n:02d}.md"
        yml.append(f"      - {page}")
        nav.append(f"    - {page}")
        nxt = f"page-{n + 1:02d}.md" if n < 30 else "page-01.md"
        body = [f"---\ntitle: Page {n}\n---\n", f"Page {n} of {name.lower()}, about topic {n * 7 % 13}.\n"]
        for h in range(3):
            body.append(f"## Part {h + 1}\n")
            body.append(("Reproducible results need the environment, the data and the code together. " * 4) + "\n")
        body.append(f"Continue with [the next page]({nxt}).\n")
        body.append(f"```{{bash}}\necho page {n}\nseq 3\n```\n")
        text = "\n".join(body)
        open(os.path.join(site, page), "w").write(text)
        open(os.path.join(docs, page), "w").write(text.replace("```{bash}", "```bash"))
yml += ["defaults:", "  manifest:", "    languages: {bash: {image: env}}", "images:", "  env: |", "    FROM debian:bookworm"]
open(os.path.join(site, "waybill.yml"), "w").write("\n".join(yml) + "\n")
open(os.path.join(work, "mk", "mkdocs.yml"), "w").write("\n".join(nav) + "\n")
PY

s=$work/site
cold_start=$(date +%s%N)
"$waybill" -q site "$s" --stats "$work/cold.json"
cold_ms=$(( ($(date +%s%N) - cold_start) / 1000000 ))
mkdocs build -q -f "$work/mk/mkdocs.yml" -d "$work/mk/site"
"$waybill" -q site "$s" --stats "$work/warm.json"

m=$root/bench/lib/measure.py
out=$(/usr/bin/python3 "$m" --runs "$runs" \
  --label unchanged -- "$waybill" -q site "$s" \
  --label one_page --prepare "echo 'One more sentence.' >> $s/page-07.md" -- "$waybill" -q site "$s" \
  --label mkdocs -- mkdocs build -q -f "$work/mk/mkdocs.yml" -d "$work/mk/site")

# What one edit does, in the build's own words.
echo 'One last sentence.' >> "$s/page-07.md"
"$waybill" -q site "$s" --stats "$work/one.json"
"$waybill" -q site "$s" --stats "$work/none.json"

/usr/bin/python3 - "$out" "$runs" "$root/bench/RESULTS.md" "$work" "$cold_ms" <<'PY'
import datetime, json, os, platform, sys
r, runs, results, work, cold = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ms = lambda k: r[k]["median_s"] * 1000
load = lambda n: json.load(open(os.path.join(work, n)))
cold_stats, one, none = load("cold.json"), load("one.json"), load("none.json")
u, o, mk = ms("unchanged"), ms("one_page"), ms("mkdocs")
met = lambda ok: "met" if ok else "missed"
one_ok = one["rendered"] == ["page-07.md"] and one["pages_unchanged"] == 29
none_ok = none["pages_rendered"] == 0 and none["written"] == []
section = f"""<!-- site:begin -->
## Sites (issue 9)

`bench/site.sh`: a generated site of 30 pages in five sections, every page with three
headings, prose, a link to the next page and a shell cell that runs in the site's shared
image. Medians of {runs} interleaved rounds on {platform.node()} ({datetime.date.today()}).
The peer is MkDocs {os.popen("mkdocs --version").read().split()[2]} (Debian's), building the same pages
without running their code; it has no incremental mode, so every build writes every page.

| | median | |
|:--|--:|:--|
| `waybill site`, nothing changed | {u:.0f} ms | {none["pages_rendered"]} pages rendered, {len(none["written"])} files written |
| `waybill site`, one page's text changed | {o:.0f} ms | {len(one["rendered"])} page rendered ({", ".join(one["rendered"])}), {one["pages_unchanged"]} unchanged |
| `mkdocs build` (no code run) | {mk:.0f} ms | every page |
| `waybill site` from nothing (image from the build cache, 30 cells run) | {cold} ms | {cold_stats["pages_rendered"]} pages, {cold_stats["cells_run"]} cells |

Targets: a site in which nothing changed rebuilds in under 100 ms ({met(u < 100 and none_ok)}:
{u:.0f} ms, {u / mk:.2f}x MkDocs' build); changing one page re-renders one page
({met(one_ok)}: `--stats` lists only `page-07.md`, the other 29 unchanged, and its one cell
comes from the cell cache). A no-change build reads and plans every page (cmark, no cell
runs), compares each page's key with the last build's, and writes nothing.
<!-- site:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "site", section)
print(section)
PY
