#!/usr/bin/env python3
"""Golden test: render DOC.md to HTML and LaTeX with body-only templates and compare
with DOC.expected.html and DOC.expected.tex, ignoring irrelevant whitespace. Cells are
not run (--no-execute): these test the writers; tests/e2e runs cells.

usage: golden.py WAYBILL DOC.md        (UPDATE_GOLDEN=1 rewrites the expected files)
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile


def normalise(text):
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        if line:
            lines.append(line)
    text = "\n".join(lines) + "\n"
    return re.sub(r"waybill \d+\.\d+\.\d+", "waybill VERSION", text)


def main():
    waybill, doc = sys.argv[1], os.path.abspath(sys.argv[2])
    here = os.path.dirname(doc)
    name = os.path.splitext(os.path.basename(doc))[0]
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, ext in (("html", "html"), ("latex", "tex")):
            template = os.path.join(here, "template." + ext)
            # Render from a copy so that outputs never land in the source tree.
            work = os.path.join(tmp, "src")
            if not os.path.exists(work):
                shutil.copytree(here, work, ignore=shutil.ignore_patterns("*.expected.*"))
            proc = subprocess.run([waybill, "render", os.path.join(work, name + ".md"), "--to", fmt,
                                   "--template", template, "-o", tmp, "-q", "--no-execute"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"render --to {fmt} failed ({proc.returncode}):\n{proc.stderr}")
                return 1
            with open(os.path.join(tmp, f"{name}.{ext}"), encoding="utf-8") as f:
                got = normalise(f.read())
            expected_path = os.path.join(here, f"{name}.expected.{ext}")
            if update:
                with open(expected_path, "w", encoding="utf-8") as f:
                    f.write(got)
                print(f"updated {expected_path}")
                continue
            if not os.path.exists(expected_path):
                print(f"missing {expected_path}; run with UPDATE_GOLDEN=1 to create it")
                return 1
            with open(expected_path, encoding="utf-8") as f:
                want = f.read()
            if got != want:
                failed = True
                print(f"--- {fmt} output differs from {expected_path}:")
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), "expected", "got"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
