#!/usr/bin/env python3
"""--self-contained writes one HTML file: styles, KaTeX, its fonts and the images are
embedded, and nothing refers to an assets folder.

usage: self_contained.py WAYBILL DOC.md
"""
import os
import subprocess
import sys
import tempfile


def main():
    waybill, doc = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: the flagship's cells run in boxes, which need root (CI runs as root)")
        sys.exit(77)
    home = os.environ.get("WAYBILL_HOME", "$WAYBILL_HOME")
    if not os.path.exists(os.path.join(home, ".ready")):  # WAYBILL_HOME: the flagship fixture's store
        print(f"SKIP: the flagship fixture did not run (no {home}/.ready)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([waybill, "render", doc, "--to", "html", "--self-contained", "-o", tmp, "-q"], check=True)
        name = os.path.splitext(os.path.basename(doc))[0]
        entries = os.listdir(tmp)
        with open(os.path.join(tmp, name + ".html"), encoding="utf-8") as f:
            page = f.read()
    problems = []
    if sorted(entries) != [name + ".html", name + ".provenance.json"]:
        problems.append(f"expected the page and its provenance record, found {sorted(entries)}")
    for needle in ("<style>", "data:font/woff2;base64,", "katex.render"):
        if needle not in page:
            problems.append(f"missing {needle!r}")
    for bad in ("_files/", "<link rel=\"stylesheet\"", "<script src="):
        if bad in page:
            problems.append(f"still refers to an external file: {bad!r}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
