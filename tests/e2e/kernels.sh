#!/usr/bin/env bash
# Jupyter kernels as drivers (issue 22), in one image with the IPython kernel and IRkernel:
#   - a notebook with every output type renders with --no-execute (its stored outputs)
#     and executed through the IPython kernel (`driver: jupyter` in its metadata's
#     manifest): HTML, Markdown, LaTeX, JSON, SVG, PNG, updated displays, cleared output,
#     an expected error; a re-render is cached; it locks and checks clean;
#   - a document with Python and R kernels: state across cells, inline values, a figure,
#     an error at its line, a cell over its time interrupted (the kernel keeps its
#     state), a kernel killed by its cell restarted (later cells run, without state);
#   - a kernel the image lacks is an error that says how to install one.
# usage: kernels.sh WAYBILL FIXTURES DATA
set -euo pipefail
source "$(dirname "$0")/net_lib.sh"
waybill=$1
fixtures=$2
data=$3
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok: $*"; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export WAYBILL_HOME=$work/store
stat() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/stats.json" "$1"; }
render_status() {  # render_status DOC: renders, its stderr in $work/err, its exit status in $code
  code=0
  "$waybill" render "$1" 2> "$work/err" || code=$?
}
has() {  # has FILE TEXT...: every text is in FILE
  local file=$1; shift
  for text in "$@"; do grep -qF -- "$text" "$file" || fail "$(basename "$file") lacks: $text"; done
}

cp "$data/every_mime_type.ipynb" "$work/"
every=(
  '<code>to stdout' 'to stderr' '<code>42</code>' '<b>bold HTML</b>' '<em>Markdown</em> text'
  'class="math inline"' '"answer": 42' '<p>progress: finished' 'this line stays' "<span class='badge'>rich repr</span>"
  'ValueError' 'an expected error' 'every_mime_type_files/figures/cell-3-1.png' 'every_mime_type_files/figures/cell-2-1.svg')
"$waybill" render "$work/every_mime_type.ipynb" --no-execute 2> "$work/err" || fail "--no-execute: $(cat "$work/err")"
has "$work/every_mime_type.html" "${every[@]}"
grep -qF '<code>this line is cleared' "$work/every_mime_type.html" && fail "cleared output is shown"
grep -qF '<p>progress: started' "$work/every_mime_type.html" && fail "an updated display shows its first value"
pass "a notebook's stored outputs of every type render with --no-execute"

[ "$(id -u)" = 0 ] || { echo "SKIP: the rest runs kernels in boxes as root (CI runs as root)"; exit 77; }
"$waybill" -q image load -i "$fixtures/base.tar"
rm -rf "$work"/every_mime_type.html "$work"/every_mime_type_files
if ! "$waybill" render "$work/every_mime_type.ipynb" --lock --stats "$work/stats.json" 2> "$work/err"; then
  grep -q "apt-get" "$work/err" && need_mirror
  fail "render through the IPython kernel: $(tail -20 "$work/err")"
fi
has "$work/every_mime_type.html" "${every[@]}"
grep -qF '<code>this line is cleared' "$work/every_mime_type.html" && fail "cleared output is shown (executed)"
[ "$(stat cells_run)" = 7 ] || fail "the notebook's cells did not all run: $(cat "$work/stats.json")"
"$waybill" render "$work/every_mime_type.ipynb" --stats "$work/stats.json" -q
[ "$(stat boxes_started)" = 0 ] && [ "$(stat cells_cached)" = 7 ] || fail "a re-render ran something: $(cat "$work/stats.json")"
"$waybill" check "$work/every_mime_type.ipynb" > "$work/out" 2>&1 || fail "check: $(cat "$work/out")"
pass "the notebook runs through the IPython kernel: every output type, cached, locked and checked"

cat > "$work/both.md" <<'MD'
---
title: Two kernels
---

```dockerfile {#kernels}
FROM debian-base:test
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-ipykernel r-cran-irkernel \
 && rm -rf /var/lib/apt/lists/*
```

```yaml {.manifest}
languages:
  python: {image: kernels, driver: jupyter}
  r: {image: kernels, driver: jupyter, kernel: ir}
```

```{python}
import time
x = 21
```

```{r}
y <- 6
plot(1:10)
```

```{python}
#| timeout: 2
#| error: true
time.sleep(60)
```

```{r}
#| timeout: 2
#| error: true
Sys.sleep(60)
```

```{python}
print("python still has x:", x)
```

```{r}
cat("R still has y:", y, "\n")
```

Inline: `{python} x * 2` and `{r} y * 7` and `{python} "text"`.

```{r}
#| error: true
tools::pskill(Sys.getpid(), tools::SIGKILL)
```

```{r}
cat("after the restart, y exists:", exists("y"), "\n")
```
MD
"$waybill" render "$work/both.md" 2> "$work/err" || fail "two kernels: $(tail -20 "$work/err")"
has "$work/both.html" 'python still has x: 21' 'R still has y: 6' 'KeyboardInterrupt' 'timeout: the cell ran out of time' \
  'Inline: <span class="inline-value">42</span> and <span class="inline-value">42</span> and <span class="inline-value">text</span>' \
  'DeadKernel: the kernel died (killed by SIGKILL); waybill restarted it' 'after the restart, y exists: FALSE' \
  'both_files/figures/cell-2-1.png'
grep -q "warning: the Jupyter kernel \`ir\` died (killed by SIGKILL); restarted it" "$work/err" ||
  fail "no warning of the restart: $(cat "$work/err")"
pass "Python and R kernels: state, inline values, a figure; interrupted cells keep the state; a killed kernel restarts"

printf '\n```{python}\nz = 1\n1 / 0\n```\n' >> "$work/both.md"
line=$(grep -n '^1 / 0$' "$work/both.md" | cut -d: -f1)
render_status "$work/both.md"
[ "$code" = 1 ] && grep -q "both.md:$line:[0-9]*: error: " "$work/err" && grep -q "ZeroDivisionError" "$work/err" ||
  fail "a failing cell is not reported at line $line: exit $code: $(cat "$work/err")"
sed -n '1,/^```$/p' "$work/both.md" > "$work/nokernel.md"
printf '\n```yaml {.manifest}\nlanguages:\n  r: {image: kernels, kernel: julia-1.9}\n```\n\n```{r}\n1\n```\n' >> "$work/nokernel.md"
render_status "$work/nokernel.md"
[ "$code" = 1 ] && grep -q "nokernel.md:[0-9]*:[0-9]*: error: the image has no Jupyter kernel \`julia-1.9\`" "$work/err" && grep -q "r-cran-irkernel" "$work/err" ||
  fail "a missing kernel: exit $code: $(tail -5 "$work/err")"
pass "a failing cell is reported at its line; a kernel the image lacks says how to install one"

# An ordinary user's kernel: the same image (saved by root, loaded by the user), whose
# box's network namespace the user's waybill may not enter the way root's would.
image=$("$waybill" image ls | awk '$1 ~ /^both-[0-9a-f]+\/kernels$/ {print $1; exit}')
[ -n "$image" ] || fail "no image of both.md in: $("$waybill" image ls)"
"$waybill" -q image save "$image" -o "$work/kernels.tar"
chmod 755 "$work" && chmod 644 "$work/kernels.tar"
(
  source "$(dirname "$0")/rootless_lib.sh" "$waybill" "$fixtures"
  user=wbkernel$$
  new_user "$user"
  home=$(home_of "$user")
  as_ok "$user" -q image load -i "$work/kernels.tar"
  printf '```yaml {.manifest}\nlanguages:\n  python: {image: "%s", driver: jupyter}\n```\n\n```{python}\n#| timeout: 2\n#| error: true\nx = 42\nimport time\ntime.sleep(30)\n```\n\nValue: `{python} x`.\n' \
    "$image" > "$home/k.md"
  chown "$user:" "$home/k.md"
  as_ok "$user" render k.md
  grep -qF 'KeyboardInterrupt' "$home/k.html" && grep -qF 'Value: <span class="inline-value">42</span>' "$home/k.html" ||
    fail "the user's kernel: $(grep -o 'cell-output.*' "$home/k.html" | head -5)"
  pass "an ordinary user's document runs in the IPython kernel, interrupted and keeping its state"
)
