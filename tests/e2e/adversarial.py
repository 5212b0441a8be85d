#!/usr/bin/env python3
"""Untrusted documents: each attack document in adversarial/ is rendered as a stranger's
pull request would be, and must be contained (nothing written or read outside the
project), refused with a clear message in its place, and bounded. Root only (boxes).

usage: adversarial.py WAYBILL FIXTURES
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, fail, skip_unless_boxes_start, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures = sys.argv[1], sys.argv[2]
skip_unless_cells_can_run(fixtures, needs_mirror=True)  # the attack documents' images run apt-get
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adversarial")
TARGET = "/tmp/waybill-adversarial"  # where the attacks try to write

# name: (exit code, messages the user must see, text that must not be in the outputs).
# A message given as a tuple is one of several: which one a user sees can depend on
# timing (a forged frame that lands before or after waybill sends the next request).
CASES = {
    "forged-figure-format": (1, ["refused output", "a figure of format"], []),
    "forged-file-name": (1, ["refused output", "its driver sent a file"], []),
    "forged-base64": (1, ["refused output", "not valid base64"], []),
    "forged-wrong-id": (1, ["a request it was not asked"], ["forged"]),
    "forged-huge-length": (1, ["over the", "a reply may have", "its box was stopped"], []),
    "forged-early-reply": (1, [("a reply to no request", "refused output: a figure of format")], []),
    "forged-shell-status": (1, ["a bad status line"], []),
    "output-links": (0, ["passwd.txt is a symbolic link", "etc is a symbolic link"], ["root:x:0:0"]),
    "output-dir-link": (1, ["its output directory was replaced by a link"], ["root:x:0:0"]),
    "output-fifo": (1, ["is not a regular file"], []),
    "label-traversal": (1, ["is not a valid name"], []),
}


def outputs_text(project):
    text = ""
    for path in glob.glob(os.path.join(project, "**"), recursive=True):
        if os.path.isfile(path) and not path.endswith(".md"):
            text += open(path, errors="replace").read()
    return text


def main():
    missing = sorted(set(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*.md"))) - set(CASES))
    if missing:
        fail(f"attack documents without expectations: {missing}")
    work = tempfile.mkdtemp(prefix="waybill-adversarial-")
    env = dict(os.environ, WAYBILL_HOME=os.path.join(work, "home"))
    try:
        subprocess.run([waybill, "-q", "image", "load", "-i", os.path.join(fixtures, "base.tar")], env=env, check=True)
        skip_unless_boxes_start(waybill, "debian-base:test", env)
        for name, (code, messages, absent) in CASES.items():
            shutil.rmtree(TARGET, ignore_errors=True)
            os.makedirs(TARGET)
            project = os.path.join(work, name)
            os.makedirs(project)
            shutil.copy(os.path.join(HERE, name + ".md"), project)
            p = subprocess.run([waybill, "render", os.path.join(project, name + ".md"), "--to", "html"],
                               capture_output=True, text=True, env=env, timeout=300)
            said = p.stdout + p.stderr
            check(f"{name}: exit {code}", p.returncode == code, said)
            for m in messages:
                m = m if isinstance(m, tuple) else (m,)
                check(f"{name}: says `{' or '.join(m)}`", any(x in said for x in m), said)
            check(f"{name}: wrote nothing outside the project", os.listdir(TARGET) == [], os.listdir(TARGET))
            text = outputs_text(project)
            for a in absent:
                check(f"{name}: `{a}` is not in the outputs", a not in text)
        p = subprocess.run([waybill, "image", "fsck"], capture_output=True, text=True, env=env)
        check("the store is consistent after every attack", p.returncode == 0 and "no problems" in p.stdout, p.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(TARGET, ignore_errors=True)


main()
