#!/usr/bin/env python3
"""Loads the flagship sample's HTML in headless Chromium and checks, in the rendered
DOM, that KaTeX typeset every math span and that every TOC link resolves.

usage: chromium_check.py WAYBILL DOC.md
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.toc_links = []
        self.stack = []          # open elements: (tag, classes)
        self.math = 0            # span.math elements
        self.typeset = 0         # span.math elements holding a .katex element
        self.in_math = []        # for each open span.math: saw .katex?
        self.in_toc = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("id") == "TOC":
            self.in_toc += 1
        if tag == "a" and self.in_toc and (a.get("href") or "").startswith("#"):
            self.toc_links.append(a["href"][1:])
        if "katex" in classes and self.in_math:
            self.in_math[-1] = True
        is_math = tag == "span" and "math" in classes
        if is_math:
            self.math += 1
            self.in_math.append(False)
        if tag not in ("br", "img", "input", "hr", "meta", "link"):
            self.stack.append((tag, is_math, a.get("id") == "TOC"))

    def handle_endtag(self, tag):
        while self.stack:
            t, is_math, is_toc = self.stack.pop()
            if is_math:
                if self.in_math.pop():
                    self.typeset += 1
            if is_toc:
                self.in_toc -= 1
            if t == tag:
                break


def main():
    waybill, doc = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: the flagship's cells run in boxes, which need root (CI runs as root)")
        sys.exit(77)
    home = os.environ.get("WAYBILL_HOME", "$WAYBILL_HOME")
    if not os.path.exists(os.path.join(home, ".ready")):  # WAYBILL_HOME: the flagship fixture's store
        print(f"SKIP: the flagship fixture did not run (no {home}/.ready)")
        sys.exit(77)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (apt-get install chromium)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([waybill, "render", doc, "--to", "html", "-o", tmp, "-q"], check=True)
        page = os.path.join(tmp, os.path.splitext(os.path.basename(doc))[0] + ".html")
        profile = os.path.join(tmp, "profile")
        proc = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", "file://" + page],
            capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or "<html" not in proc.stdout:
            print("chromium failed:", proc.returncode, proc.stderr[-2000:])
            return 1
        dom = Dom()
        dom.feed(proc.stdout)
    problems = []
    if dom.math == 0:
        problems.append("no math in the page")
    if dom.typeset != dom.math:
        problems.append(f"KaTeX typeset {dom.typeset} of {dom.math} math spans")
    if not dom.toc_links:
        problems.append("no TOC links")
    missing = [t for t in dom.toc_links if t not in dom.ids]
    if missing:
        problems.append(f"TOC links without a target: {missing}")
    for p in problems:
        print(p)
    if not problems:
        print(f"{dom.typeset} math spans typeset by KaTeX; {len(dom.toc_links)} TOC links resolve")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
