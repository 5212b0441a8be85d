#!/usr/bin/env bash
# The driver refactor (issue 19) against the build before it, on the paths it touched:
# the executable alone, a tiny and a 2 MB render (read, plan, write), the flagship
# rendered with every cell cached, `check` of the flagship (every cell run), a render's
# --dry-run, and a 30-page site in which nothing changed. Both builds run side by side in
# interleaved rounds on the same machine; the ratio is the new median over the old.
#
# usage: bench/driver_ab.sh OLD_WAYBILL [RUNS]     (default 10)
#   OLD_WAYBILL: a waybill built from the commit before the change, e.g.
#     git worktree add /tmp/old <commit> && cmake -S /tmp/old -B /tmp/old/build -G Ninja \
#       -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build /tmp/old/build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$(realpath "${1:?usage: bench/driver_ab.sh OLD_WAYBILL [RUNS]}")
runs=${2:-10}
new=${WAYBILL:-$root/build/bin/waybill}
seeds=${SEEDS:-$root/../shared/seeds}
[ -x "$new" ] && [ -x "$old" ] || { echo "build both first"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "check runs cells in boxes, which need root: run as root"; exit 3; }
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/flagship_fixture.sh" "$new" "$fixtures" "$root/samples" > /dev/null
export WAYBILL_HOME=$fixtures/paper-home
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '# Hello\n\nOne line.\n' > "$work/tiny.md"
for _ in $(seq 40); do
  for f in "$seeds"/*; do cat "$f"; echo; done
done > "$work/big.md"
# The flagship, its cells cached and locked, once per build (each writes its own outputs).
for b in old new; do
  mkdir -p "$work/$b"
  cp -r "$root/samples/paper/." "$work/$b/"
  rm -rf "$work/$b"/paper.html "$work/$b"/paper.pdf "$work/$b"/paper_files "$work/$b"/*.provenance.json
done
"$new" -q render "$work/new/paper.md" --to html --lock
"$old" -q render "$work/old/paper.md" --to html --lock
# A site of 30 pages in five sections, no cells (the read, plan and key path), built once.
mkdir -p "$work/site"
{ echo "title: Bench"; echo "pages:"; } > "$work/site/waybill.yml"
for s in 1 2 3 4 5; do
  echo "  - section: Part $s" >> "$work/site/waybill.yml"
  echo "    pages:" >> "$work/site/waybill.yml"
  for p in 1 2 3 4 5 6; do
    n=$(( (s - 1) * 6 + p ))
    printf -- '---\ntitle: Page %s\n---\n\n# Intro\n\nSome prose with a [link](page-%02d.md).\n\n## More\n\nText.\n' \
      "$n" $(( n % 30 + 1 )) > "$work/site/page-$(printf %02d $n).md"
    echo "      - page-$(printf %02d $n).md" >> "$work/site/waybill.yml"
  done
done
"$new" -q site "$work/site" -o "$work/site-new"
"$old" -q site "$work/site" -o "$work/site-old"

args=()
for b in old new; do
  w=$([ $b = old ] && echo "$old" || echo "$new")
  args+=(--label "help_$b" -- "$w" --help
         --label "tiny_$b" -- "$w" render "$work/tiny.md" -o "$work/out-$b" -q
         --label "big_$b" -- "$w" render "$work/big.md" --to html -o "$work/out-$b" -q
         --label "cached_$b" -- "$w" -q render "$work/$b/paper.md" --to html
         --label "dry_$b" -- "$w" -q render --dry-run "$work/$b/paper.md"
         --label "site_$b" -- "$w" -q site "$work/site" -o "$work/site-$b")
done
json=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$runs" "${args[@]}")
check_runs=$(( runs < 5 ? runs : 5 ))
check_json=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$check_runs" \
  --label check_old -- "$old" -q check "$work/old/paper.md" \
  --label check_new -- "$new" -q check "$work/new/paper.md")

/usr/bin/python3 - "$json" "$check_json" "$runs" "$check_runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, sys
d = json.loads(sys.argv[1]); d.update(json.loads(sys.argv[2]))
runs, check_runs, results = sys.argv[3], sys.argv[4], sys.argv[5]
ms = lambda k: d[k]["median_s"] * 1000
rows = [("help", "`waybill --help` (the executable alone)"),
        ("tiny", "`render tiny.md` (one line)"),
        ("big", "`render big.md --to html` (2.1 MB of prose)"),
        ("cached", "`render paper.md --to html`, every cell cached"),
        ("dry", "`render --dry-run paper.md`"),
        ("site", "`site`, 30 pages, nothing changed"),
        ("check", f"`check paper.md` (every cell run; {check_runs} rounds)")]
table = "\n".join(f"| {label} | {ms(k + '_old'):.2f} ms | {ms(k + '_new'):.2f} ms | {ms(k + '_new') / ms(k + '_old'):.2f} |"
                  for k, label in rows)
worst = max(ms(k + "_new") / ms(k + "_old") for k, _ in rows)
section = f"""<!-- driver:begin -->
## The driver refactor (issue 19)

`bench/driver_ab.sh`: the build with one driver (tool/driver/), checked module loads and
the shared definitions, against the build of the commit before it, side by side on
{platform.node()} ({datetime.date.today()}); medians of {runs} interleaved rounds (check:
{check_runs}). Ratio: new over old (under 1 is faster).

| | before | after | ratio |
|:--|--:|--:|--:|
{table}

Budget: no path more than 5% slower (worst ratio here: {worst:.2f}).
<!-- driver:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "driver", section)
PY
