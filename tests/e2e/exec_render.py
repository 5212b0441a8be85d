#!/usr/bin/env python3
"""Executable documents end to end: `waybill render` builds a document's image on the
Debian base fixture, runs Python and bash cells in it, and caches their results. Checks
state, stream order, values, rich output, errors, isolation (no network, read-only /doc),
output files, inline expressions, a timeout, a failing cell, and the cache's behaviour
through --stats. Root only (boxes), like CI.

usage: exec_render.py WAYBILL FIXTURES
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import base_store, check, limits_enforced, runner, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures = sys.argv[1], sys.argv[2]
skip_unless_cells_can_run(fixtures, needs_mirror=True)  # the document's image runs apt-get

DOC = """---
title: Cells at work
---

```dockerfile {#py}
FROM debian-base:test
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 > /dev/null \\
 && rm -rf /var/lib/apt/lists/*
```

```yaml {.manifest}
languages:
  python: {image: py}
  bash: {image: py}
  shout: {image: py, command: [tr, a-z, A-Z]}
inputs: [data.csv]
limits: {timeout: 60s}
```

```{python}
#| label: state
x = 20
```

```{python}
#| label: streams
import sys
print("out 1", flush=True)
print("err 1", file=sys.stderr, flush=True)
print("out 2")
x + 1
```

```{python}
#| label: rich
class Bold:
    def _repr_html_(self):
        return "<b>rich html</b>"
Bold()
```

```{python}
#| label: shown-error
#| error: true
raise ValueError("shown, and the render goes on")
```

```{python}
#| label: network
#| error: true
import socket
socket.create_connection(("deb.debian.org", 80), timeout=5)
```

```{python}
#| label: readonly
#| error: true
open("/doc/new-file.txt", "w")
```

```{python}
#| label: files
import os, struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\\x00\\x80")) + chunk(b"IEND", b""))
out = os.environ["WAYBILL_OUTPUT_DIR"]
open(os.path.join(out, "dot.png"), "wb").write(png)
_ = open(os.path.join(out, "table.csv"), "w").write("a,b\\n1,2\\n")
```

```{python}
#| label: input
print(open("data.csv").read().strip())
```

```{bash}
#| label: shell
echo "bash says $((6 * 7))"
```

```{perl}
#| label: perl-one
our $kept = 5;
print "perl sets $kept\n";
```

```{perl}
#| label: perl-two
print defined $kept ? "state kept\n" : "a fresh process\n";
```

```{shout}
#| label: shout
any language the manifest names
```

Twice x is `{python} x * 2`.
"""


run = runner(waybill)


def stats(doc, *flags):
    path = os.path.join(os.path.dirname(doc), "stats.json")
    run(["render", doc, "--to", "html", "--stats", path] + list(flags))
    s = json.load(open(path))
    s.pop("documents")
    return s


def cell_html(html, label):
    """A cell's markup: from its div to the next cell's (or the end)."""
    start = html.find('<div class="cell" id="' + label + '"')
    if start < 0:
        return ""
    end = html.find('<div class="cell" ', start + 1)
    return html[start:end if end > 0 else len(html)]


def main():
    work = tempfile.mkdtemp()
    try:
        docdir = base_store(waybill, fixtures, work)
        doc = os.path.join(docdir, "cells.md")
        open(doc, "w").write(DOC)
        open(os.path.join(docdir, "data.csv"), "w").write("input,1\n")

        s = stats(doc)
        check("the first render builds the image and runs every cell",
              s["images_built"] == 1 and s["cells_run"] == 12 and s["inline_run"] == 1 and s["boxes_started"] == 5, s)
        t = s.get("timings", {})
        check("--stats says where the time went: reading, planning, building, running cells, writing",
              set(t) == {"read", "plan", "build", "execute", "write"} and t["build"] > 0 and t["execute"] > 0 and
              all(v >= 0 for v in t.values()), t)
        html = open(os.path.join(docdir, "cells.html")).read()
        streams = cell_html(html, "streams")
        check("stdout and stderr are shown separately, in order, then the value",
              streams.find("out 1") < streams.find("err 1") < streams.find("out 2") < streams.find(">21<") and
              "cell-output-stderr" in streams, streams)
        check("state is kept from cell to cell (x + 1 is 21)", ">21</code>" in streams, streams)
        check("rich HTML output is shown as HTML", "<b>rich html</b>" in cell_html(html, "rich"))
        shown = cell_html(html, "shown-error")
        check("error: true shows the error and the render goes on",
              "cell-output-error" in shown and "ValueError: shown, and the render goes on" in shown, shown)
        net = cell_html(html, "network")
        check("a cell has no network", "cell-output-error" in net and
              re.search(r"gaierror|Network is unreachable|Temporary failure|Name or service", net), net)
        ro = cell_html(html, "readonly")
        check("the document's directory is read-only", "Read-only file system" in ro, ro)
        files = cell_html(html, "files")
        check("files a cell writes to its output directory are kept: a picture shown, a file linked",
              'src="cells_files/files/files/dot.png"' in files and 'href="cells_files/files/files/table.csv"' in files,
              files)
        check("the files are written beside the page",
              os.path.exists(os.path.join(docdir, "cells_files/files/files/table.csv")))
        check("the declared input is readable at /doc", "input,1" in cell_html(html, "input"))
        check("a bash cell runs in its own session", "bash says 42" in cell_html(html, "shell"))
        check("an inline expression is evaluated in its session", '<span class="inline-value">40</span>' in html)
        check("other languages run each cell as a fresh process",
              "perl sets 5" in cell_html(html, "perl-one") and "a fresh process" in cell_html(html, "perl-two"),
              cell_html(html, "perl-two"))
        check("a language the manifest names runs its command with the code on stdin",
              "ANY LANGUAGE THE MANIFEST NAMES" in cell_html(html, "shout"), cell_html(html, "shout"))
        check("nothing was written to the document's directory by the cells",
              not os.path.exists(os.path.join(docdir, "new-file.txt")))

        s = stats(doc)
        check("a re-render with nothing changed starts no box and runs nothing",
              s["boxes_started"] == 0 and s["cells_run"] == 0 and s["cells_cached"] == 12 and
              s["images_cached"] == 1 and s["images_built"] == 0, s)
        check("the cached render is the same page", open(os.path.join(docdir, "cells.html")).read() == html)

        open(doc, "w").write(DOC.replace('return "<b>rich html</b>"', 'return "<b>edited html</b>"'))
        s = stats(doc)
        check("editing one cell re-runs it and the later cells of its session only",
              s["cells_run"] == 6 and s["cells_replayed"] == 2 and s["cells_cached"] == 6 and
              s["boxes_started"] == 1 and s["inline_run"] == 1, s)
        check("the edit shows", "<b>edited html</b>" in open(os.path.join(docdir, "cells.html")).read())

        open(doc, "w").write(DOC.replace("#| label: rich\n", "#| label: rich\n#| echo: false\n")
                             .replace('return "<b>rich html</b>"', 'return "<b>edited html</b>"'))
        s = stats(doc)
        check("changing how a cell is shown (echo) re-runs nothing", s["cells_run"] == 0 and s["boxes_started"] == 0, s)

        open(os.path.join(docdir, "data.csv"), "w").write("input,2\n")
        s = stats(doc)
        check("editing a declared input re-runs its sessions", s["cells_run"] == 12 and s["boxes_started"] == 5, s)
        check("the new input shows", "input,2" in open(os.path.join(docdir, "cells.html")).read())

        s = stats(doc, "--refresh")
        check("--refresh runs every cell", s["cells_run"] == 12, s)
        s = stats(doc, "--no-cache")
        check("--no-cache runs every cell", s["cells_run"] == 12 and s["images_built"] == 0, s)
        s = stats(doc)
        check("after --no-cache, the earlier results are still cached", s["cells_run"] == 0, s)

        fail_doc = os.path.join(docdir, "fail.md")
        head = DOC[:DOC.index("```{python}")]
        open(fail_doc, "w").write(head + "```{python}\n#| label: boom\ny = 1\nraise RuntimeError('on purpose')\n```\n")
        p = run(["render", fail_doc, "--to", "html"], expect=1)
        line = head.count("\n") + 4
        check("a failing cell stops the render at its line, with the traceback",
              f"fail.md:{line}:1: error: cell 'boom' failed" in p.stderr and "RuntimeError: on purpose" in p.stderr and
              "error: true" in p.stderr, p.stderr)
        check("a failed render writes no page", not os.path.exists(os.path.join(docdir, "fail.html")))

        slow_doc = os.path.join(docdir, "slow.md")
        open(slow_doc, "w").write(head + "```{python}\n#| label: slow\n#| timeout: 1\nimport time\ntime.sleep(60)\n```\n")
        p = run(["render", slow_doc, "--to", "html"], expect=1)
        check("a cell past its timeout is stopped, and named", "cell 'slow' timed out" in p.stderr, p.stderr)

        # A base the store lacks, loaded from the archive the manifest names.
        archive_dir = os.path.join(work, "archived")
        os.makedirs(archive_dir)
        shutil.copy(os.path.join(fixtures, "base.tar"), os.path.join(archive_dir, "base.tar"))
        archived = os.path.join(archive_dir, "archived.md")
        open(archived, "w").write("```dockerfile {#env}\nFROM lab/base:2024\n```\n\n```yaml {.manifest}\n"
                                  "bases:\n  lab/base:2024: {archive: base.tar}\n```\n\n```{bash}\ncat /etc/debian_version\n```\n")
        p = run(["render", archived, "--to", "html"])
        check("a base missing from the store is loaded from the manifest's archive",
              "loading" in p.stderr and "base.tar" in p.stderr and
              re.search(r"cell-output-stdout\"><code>12\.", open(archived.replace(".md", ".html")).read()), p.stderr)
        p = run(["image", "inspect", "lab/base:2024"])
        check("and it stays in the store under the name FROM gave", '"Labels"' in p.stdout)

        # The manifest's memory limit holds, and a session that hits it says so (where
        # waybill can enforce limits here).
        unenforced = limits_enforced(waybill, "debian-base:test")
        if unenforced:
            print("skip: the memory limit check:", unenforced)
        else:
            hungry = os.path.join(docdir, "hungry.md")
            open(hungry, "w").write(head.replace("limits: {timeout: 60s}", "limits: {timeout: 60s, memory: 64m}") +
                                    "```{python}\n#| label: hungry\nb = bytearray(400 * 2**20)\n"
                                    "for i in range(0, len(b), 4096):\n    b[i] = 1\n```\n")
            p = run(["render", hungry, "--to", "html"], expect=1)
            check("a cell past the memory limit ends its session, and the error says why",
                  "cell 'hungry'" in p.stderr and ("out of memory" in p.stderr or "MemoryError" in p.stderr), p.stderr)

        fresh_doc = os.path.join(docdir, "fresh.md")
        open(fresh_doc, "w").write(head + "```{python}\n#| label: always\n#| cache: false\nimport time\nprint(time.time())\n```\n"
                                   "\n```{python}\nprint('cached')\n```\n")
        stats(fresh_doc)
        s = stats(fresh_doc)
        check("cache: false runs its cell on every render, and only it",
              s["cells_run"] == 1 and s["cells_cached"] == 1 and s["boxes_started"] == 1, s)

        # Ctrl-C during a render: the boxes stop, nothing is written, the store stays whole.
        slow_page = os.path.join(docdir, "slow.html")
        open(slow_doc, "w").write(head + "```{python}\n#| label: slow\nimport time\nprint('started', flush=True)\n"
                                  "time.sleep(600)\n```\n")
        p = subprocess.Popen([waybill, "render", slow_doc, "--to", "html"], stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        leases = os.path.join(os.environ["WAYBILL_HOME"], "boxes", "leases")
        while time.time() < deadline and not (os.path.isdir(leases) and
                                              any(not n.startswith(".") for n in os.listdir(leases))):
            time.sleep(0.1)
        time.sleep(1)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        check("Ctrl-C stops a render that is running a cell", p.returncode != 0 and "interrupted" in err, err)
        check("an interrupted render writes no page", not os.path.exists(slow_page))

        boxes = os.path.join(os.environ["WAYBILL_HOME"], "boxes")
        leftovers = [n for n in os.listdir(boxes) if n not in ("scratch", "leases")] + os.listdir(os.path.join(boxes, "leases"))
        check("no box is left behind", not leftovers, leftovers)
        p = run(["image", "fsck"])
        check("the store is consistent", "no problems" in p.stdout, p.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
