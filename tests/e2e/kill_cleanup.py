#!/usr/bin/env python3
"""Crash safety of the host's state: waybill is killed (SIGKILL) 20 times while renders
run cells in boxes with limits (so with cgroups) and while builds run RUN steps. The
next box to start must remove every cgroup, lease and scratch directory the dead ones
left; mounts never outlive a box (they live in its mount namespace); the store stays
consistent. Counts cgroups and mounts before and after. Root only (boxes, cgroups).

usage: kill_cleanup.py WAYBILL FIXTURES
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, limits_enforced, runner, skip_unless_boxes_start, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures = sys.argv[1], sys.argv[2]
skip_unless_cells_can_run(fixtures)
run = runner(waybill)

DOC = """```dockerfile {#env}
FROM debian-base:test
```

```yaml {.manifest}
languages:
  bash: {image: env}
limits: {memory: 256m, pids: 64, timeout: 60s}
```

```{bash}
sleep 3
echo done
```
"""

DOCKERFILE = "FROM debian-base:test\nRUN sleep 3 && echo built > /built\n"


def cgroups():
    found = set()
    for root, dirs, _ in os.walk("/sys/fs/cgroup"):
        for d in dirs:
            if d.startswith("waybill-"):
                found.add(os.path.join(root, d))
        if root.count("/") > 8:
            dirs[:] = []
    return found


def mounts(home):
    return sum(home in line for line in open("/proc/self/mountinfo"))


def live_leases(home):
    d = os.path.join(home, "boxes", "leases")
    return [n for n in os.listdir(d) if not n.startswith(".")] if os.path.isdir(d) else []


def scratch(home):
    d = os.path.join(home, "tmp")
    return [n for n in os.listdir(d) if n.startswith(("exec-", "run-"))] if os.path.isdir(d) else []


def main():
    work = tempfile.mkdtemp(prefix="waybill-kill-")
    home = os.environ["WAYBILL_HOME"] = os.path.join(work, "home")
    try:
        run(["-q", "image", "load", "-i", os.path.join(fixtures, "base.tar")])
        skip_unless_boxes_start(waybill, "debian-base:test")
        # The kills must leave cgroups for the sweep to remove: without limits, none are made.
        unenforced = limits_enforced(waybill, "debian-base:test", swap=False)
        if unenforced:
            print("SKIP:", unenforced)
            sys.exit(77)
        doc = os.path.join(work, "doc.md")
        open(doc, "w").write(DOC)
        os.makedirs(os.path.join(work, "ctx"))
        open(os.path.join(work, "ctx", "Dockerfile"), "w").write(DOCKERFILE)
        cgroups_before, mounts_before = cgroups(), mounts(home)

        killed_in_a_box = left_behind = 0
        for i in range(20):
            args = ["render", doc, "--refresh", "-o", os.path.join(work, "out")] if i % 2 == 0 else \
                   ["build", "--no-cache", "-q", os.path.join(work, "ctx")]
            p = subprocess.Popen([waybill] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 60
            while time.time() < deadline and not any(n.startswith("box-") for n in live_leases(home)):
                time.sleep(0.02)
            time.sleep(random.uniform(0, 0.8))
            killed_in_a_box += any(n.startswith("box-") for n in live_leases(home))
            p.kill()
            p.wait()
            # Each next start sweeps what the one before left: count it now.
            time.sleep(0.1)
            left_behind += len(cgroups() - cgroups_before)
        print(f"20 kills, {killed_in_a_box} inside a box; they left {left_behind} cgroups in all")
        check("the kills hit running boxes", killed_in_a_box >= 10, killed_in_a_box)
        check("killed renders did leave cgroups (what the sweep is for)", left_behind > 0, left_behind)

        # The next box to start cleans up after the dead ones.
        run(["run", "debian-base:test", "true"])
        check("no cgroup of a dead box remains", cgroups() == cgroups_before, cgroups() - cgroups_before)
        check("no lease of a dead box remains", live_leases(home) == [], live_leases(home))
        check("no scratch directory of a dead box remains", scratch(home) == [], scratch(home))
        check("no mount outlived its box", mounts(home) == mounts_before, mounts(home))
        p = run(["image", "fsck"])
        check("image fsck is clean", "no problems" in p.stdout, p.stdout)
        p = run(["image", "prune"])
        check("prune finds nothing more of the dead boxes", "cleaned up after" not in p.stderr, p.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
