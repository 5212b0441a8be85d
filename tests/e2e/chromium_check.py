#!/usr/bin/env python3
"""Loads the flagship sample's HTML in headless Chromium and checks, in the rendered
DOM, that KaTeX typeset every math span and that every TOC link resolves; that the
provenance panel's tables fit their box when opened; and that printing shows the
environments and the provenance, which are collapsed on screen.

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


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Opens the panel and measures its tables at a laptop's width: a table wider than its
# box (a long base origin, a digest) is what overflowed before.
MEASURE = """<script>
window.addEventListener("load", function () {
  var panel = document.querySelector("details.provenance");
  if (!panel) { document.body.setAttribute("data-overflow", "no panel"); return; }
  panel.open = true;
  var wide = [];
  panel.querySelectorAll("table").forEach(function (t) {
    var box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
    if (r.right > box.right + 1 || t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
      wide.push(Math.round(r.width) + ">" + Math.round(box.width));
  });
  document.body.setAttribute("data-overflow", wide.length ? wide.join(" ") : "none");
});
</script>"""


def layout_problems(chromium, page, profile):
    measured = page[:-5] + "-measured.html"
    with open(page) as f, open(measured, "w") as out:
        out.write(f.read().replace("</body>", MEASURE + "</body>"))
    proc = subprocess.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--window-size=1024,768",
                          "--virtual-time-budget=10000", "--dump-dom", "file://" + measured],
                          capture_output=True, text=True, timeout=120)
    found = [line for line in proc.stdout.splitlines() if "data-overflow=" in line]
    verdict = found[0].split('data-overflow="')[1].split('"')[0] if found else "not measured"
    return [] if verdict == "none" else [f"the provenance panel's tables overflow their box: {verdict}"]


def print_problems(chromium, page, profile, tmp):
    if not shutil.which("pdftotext"):
        print("print check skipped: pdftotext is not installed (poppler-utils)")
        return []
    pdf = os.path.join(tmp, "printed.pdf")
    subprocess.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--no-pdf-header-footer",
                   "--virtual-time-budget=10000", "--print-to-pdf=" + pdf, "file://" + page],
                   capture_output=True, text=True, timeout=120)
    if not os.path.exists(pdf):
        return ["chromium printed no PDF"]
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    wanted = ["FROM debian:bookworm", "python3-matplotlib", "obtained by"]
    return [f"the printed page lacks {w!r}: a collapsed box printed closed" for w in wanted if w not in text]


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
            [chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom",
                                           "file://" + page],
            capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or "<html" not in proc.stdout:
            print("chromium failed:", proc.returncode, proc.stderr[-2000:])
            return 1
        dom = Dom()
        dom.feed(proc.stdout)
        problems = layout_problems(chromium, page, profile) + print_problems(chromium, page, profile, tmp)
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
        print(f"{dom.typeset} math spans typeset by KaTeX; {len(dom.toc_links)} TOC links resolve; the provenance"
              " panel fits; printing opens the environments")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
