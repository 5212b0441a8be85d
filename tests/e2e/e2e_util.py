"""What the Python end-to-end tests share: running waybill with an expected exit code,
and named checks that stop at the first failure."""
import os
import subprocess
import sys


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(name, condition, detail=""):
    if not condition:
        fail(f"{name}\n{detail}")
    print("ok:", name)


def runner(waybill):
    """run(args, expect=0, cwd=None): waybill ARGS, failing the test on another exit code."""
    def run(args, expect=0, cwd=None):
        p = subprocess.run([waybill] + args, capture_output=True, text=True, cwd=cwd)
        if p.returncode != expect:
            fail(f"waybill {' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
        return p
    return run


def skip_unless_cells_can_run(fixtures):
    """Exits 77 (CTest's skip), saying why, without root or without the base fixture."""
    if os.geteuid() != 0:
        print("SKIP: cells run in boxes, which need root (CI runs as root)")
        sys.exit(77)
    if not os.path.exists(os.path.join(fixtures, "base.tar")):
        print("SKIP: no base image fixture (mmdebstrap missing?)")
        sys.exit(77)
