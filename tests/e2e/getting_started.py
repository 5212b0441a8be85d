#!/usr/bin/env python3
"""A new user's first hour, as the documentation tells it: site/getting-started.md is
followed exactly as written. Its files ("save this as `NAME`:" and the block after) are
written into an empty folder and every `waybill` command of its ```sh blocks is run
there, in order, by a shell, with bare file names; then the page must show an executed
cell and a numbered figure, and the second render must come from the caches. The
smallest sample, samples/minimal.md, renders too and shows its cell's output.

Renders in the flagship fixture's store (WAYBILL_HOME), whose base and build steps the
guide's image shares; the tags it makes are removed at the end.

usage: getting_started.py WAYBILL SITE_DIR SAMPLES_DIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e_util import check, fail, mirror_unreachable  # noqa: E402

waybill, site, samples = sys.argv[1:4]
if os.geteuid() != 0:
    print("SKIP: cells run in boxes, which need root (CI runs as root)")
    sys.exit(77)
home = os.environ.get("WAYBILL_HOME", "")
if not os.path.exists(os.path.join(home, ".ready")):
    print(f"SKIP: the flagship fixture did not run (no {home or '$WAYBILL_HOME'}/.ready)")
    sys.exit(77)

guide = open(os.path.join(site, "getting-started.md")).read()


def walkthrough(text):
    """The guide's files and commands, in order: ("file", name, body) and ("run", line)."""
    steps = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^(`{3,})(.*)$", line)
        if not fence:
            i += 1
            continue
        ticks, info = fence.group(1), fence.group(2).strip()
        j = i + 1
        while j < len(lines) and lines[j] != ticks:
            j += 1
        body = lines[i + 1:j]
        before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        saved = re.search(r"save this as `([^`]+)`:\s*$", before, re.IGNORECASE)
        if saved:
            steps.append(("file", saved.group(1), "\n".join(body) + "\n"))
        elif info == "sh":
            steps += [("run", cmd) for cmd in body if cmd.startswith("waybill ")]
        i = j + 1
    return steps


steps = walkthrough(guide)
files = [s for s in steps if s[0] == "file"]
commands = [s[1] for s in steps if s[0] == "run"]
check("the guide saves a document and runs waybill on it", files and len(commands) >= 4, str(steps))
if any("--to pdf" in c for c in commands) and not shutil.which("latexmk"):
    print("SKIP: latexmk is not installed, and the guide renders a PDF")
    sys.exit(77)
why = mirror_unreachable()

env = dict(os.environ)
env["PATH"] = os.path.dirname(os.path.abspath(waybill)) + os.pathsep + env["PATH"]
work = tempfile.mkdtemp(prefix="getting-started-")
cells = os.path.join(home, "cache", "cells")


def cached_cells():
    return {os.path.join(d, f) for d, _, fs in os.walk(cells) for f in fs}


# The cell results this test adds to the fixture's store are removed at its end, so that
# the guide's first render runs its cells each time, as it does for a new user. Only its
# own, by the keys its provenance records name: other tests add results to the same store
# at the same time.
cells_before = cached_cells()


def own_cell_results():
    keys = set()

    def collect(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "cacheKey" and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v):
                    keys.add(v)
                else:
                    collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for d, _, fs in os.walk(work):
        for f in fs:
            if f.endswith(".provenance.json"):
                try:
                    collect(json.load(open(os.path.join(d, f))))
                except (OSError, ValueError):
                    pass
    return {os.path.join(cells, k[:2], k + ".json") for k in keys}


try:
    results = []
    for step in steps:
        if step[0] == "file":
            with open(os.path.join(work, step[1]), "w") as f:
                f.write(step[2])
            continue
        p = subprocess.run(step[1], shell=True, cwd=work, env=env, capture_output=True, text=True)
        print(f"$ {step[1]}  (exit {p.returncode})")
        if p.returncode != 0:
            fail(f"`{step[1]}` as the guide writes it: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        results.append((step[1], p))

    renders = [(c, p) for c, p in results if re.fullmatch(r"waybill render hello\.md", c)]
    check("the guide renders hello.md twice, as written", len(renders) == 2, str(commands))
    first, second = renders[0][1], renders[1][1]
    check("the first render runs the cells", re.search(r"python in default: 2 run", first.stderr), first.stderr)
    check("the second comes from the caches", re.search(r"python in default: 0 run, 2 cached", second.stderr) and
          "building" in second.stderr and "steps, 0 cached" not in second.stderr, second.stderr)
    check("the first render says, before it builds, that a first build takes minutes",
          "has not been built before" in first.stderr and "has not been built before" not in second.stderr,
          first.stderr)
    check("no warnings", "warning" not in first.stderr + second.stderr, first.stderr + second.stderr)
    dry = next(p for c, p in results if "--dry-run" in c)
    check("the dry run shows the image and the session",
          "image default" in dry.stdout and "session python in default: 2 cells" in dry.stdout, dry.stdout)
    html = open(os.path.join(work, "hello.html")).read()
    check("the page shows the executed cell's output", "the sum of 1..10 is 55" in html, html[-3000:])
    check("the page shows a numbered figure from the second cell",
          re.search(r'<figure[^>]*id="fig-squares"', html) and re.search(r"Figure\s1:", html) and
          re.search(r'<img[^>]+src="(hello_files/[^"]+\.png|data:image/png)', html), html[-3000:])
    check("the reference to the figure is resolved", re.search(r'<a[^>]+href="#fig-squares"[^>]*>Figure', html))
    if any("--to pdf" in c for c in commands):
        check("the guide's PDF is written", os.path.getsize(os.path.join(work, "hello.pdf")) > 10000)

    # The smallest sample executes its cell (its RUN step installs python3 from the mirror).
    mini = os.path.join(work, "minimal")
    os.mkdir(mini)
    shutil.copy(os.path.join(samples, "minimal.md"), mini)
    if why:
        print("minimal.md not rendered:", why)
    else:
        p = subprocess.run(["waybill", "render", "minimal.md"], cwd=mini, env=env, capture_output=True, text=True)
        check("samples/minimal.md renders", p.returncode == 0, p.stderr)
        page = open(os.path.join(mini, "minimal.html")).read()
        check("samples/minimal.md executes its cell: 45 is shown",
              re.search(r'<pre class="cell-output cell-output-stdout"><code>45\s*</code>', page), page[-2000:])
finally:
    names = subprocess.run([waybill, "image", "ls"], env=env, capture_output=True, text=True).stdout
    for tag in re.findall(r"^((?:hello|minimal)-[0-9a-f]{8}/\S+)", names, re.MULTILINE):
        subprocess.run([waybill, "-q", "image", "rm", tag], env=env, capture_output=True)
    for path in own_cell_results() - cells_before:
        if os.path.exists(path):
            os.unlink(path)
    shutil.rmtree(work, ignore_errors=True)
print("getting started, followed as written: an executed cell, a numbered figure, cached reruns; minimal.md runs")
