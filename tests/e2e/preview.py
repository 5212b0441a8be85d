#!/usr/bin/env python3
"""`waybill preview DOC`: renders, serves on 127.0.0.1, and renders again on every save;
the page's reload script sees each new build; a cell runs again only when its key
changes; the project's waybill.yml is read again at each render; the document's folder gets no output; SIGTERM stops it with status 0 and its
temporary folder goes.

usage: preview.py WAYBILL FIXTURES"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from e2e_util import base_store, check, runner, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures = sys.argv[1:3]
skip_unless_cells_can_run(fixtures)
run = runner(waybill)

DOC = """---
title: Preview
waybill: {image: debian-base:test}
---

```{bash}
echo "first $(date +%s%N)"
```

```{bash}
echo "second $(date +%s%N)"
```
"""


def fetch(url):
    return urllib.request.urlopen(url, timeout=10).read().decode()


def outputs(page):
    return re.findall(r"(first|second) (\d+)", page)


work = tempfile.mkdtemp(prefix="preview-test-")
try:
    docdir = base_store(waybill, fixtures, work)
    with open(os.path.join(docdir, "notes.md"), "w") as f:
        f.write(DOC)
    p = run(["preview", "missing.md"], expect=2, cwd=docdir)
    check("a missing document is a usage error", "no such file: missing.md" in p.stderr, p.stderr)

    proc = subprocess.Popen([waybill, "preview", "notes.md", "--port", "0"], cwd=docdir, stderr=subprocess.PIPE,
                            text=True)
    try:
        url = served = None
        deadline = time.time() + 120
        while time.time() < deadline and not url:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"serving (\S+) at (http://127\.0\.0\.1:\d+/notes\.html)", line)
            if m:
                served, url = m.group(1), m.group(2)
        check("preview listens on 127.0.0.1 and names the page", url is not None)
        base = url.rsplit("/", 1)[0] + "/"
        page = fetch(url)
        check("the page is served with its reload script", "/_waybill/build" in page, page[-800:])
        first = dict(outputs(page))
        check("both cells ran", set(first) == {"first", "second"}, page)
        check("the document's folder gets no output", sorted(os.listdir(docdir)) == ["notes.md"], os.listdir(docdir))

        before = fetch(base + "_waybill/build")
        with open(os.path.join(docdir, "notes.md"), "w") as f:
            f.write(DOC.replace('echo "second', 'echo "edited second'))
        deadline = time.time() + 120
        while time.time() < deadline and fetch(base + "_waybill/build") == before:
            time.sleep(0.2)
        page = fetch(url)
        check("a save renders again, and the reload script sees a new build", "edited second" in page, page[-800:])
        second = dict(outputs(page))
        check("the unchanged cell comes from the cache; the edited one ran", second["first"] == first["first"] and
              second["second"] != first["second"], (first, second))
        # The document becomes a page of a project, whose defaults change while it runs.
        for author in ("First Author", "Second Author"):
            before = fetch(base + "_waybill/build")
            with open(os.path.join(docdir, "waybill.yml"), "w") as f:
                f.write(f"title: T\npages:\n  - notes.md\ndefaults:\n  front-matter:\n    author: {author}\n")
            deadline = time.time() + 120
            while time.time() < deadline and fetch(base + "_waybill/build") == before:
                time.sleep(0.2)
            page = fetch(url)
            check(f"a save of waybill.yml renders again with its defaults ({author})", author in page, page[:1500])
        proc.send_signal(signal.SIGTERM)
        check("SIGTERM stops it with status 0", proc.wait(timeout=60) == 0)
        check("its temporary folder is removed", served and not os.path.exists(served), served)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
finally:
    shutil.rmtree(work, ignore_errors=True)
print("preview: served, rendered again on a save, cached cells kept, stopped cleanly")
