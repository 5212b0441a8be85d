"""What the Python end-to-end tests share: running waybill with an expected exit code,
and named checks that stop at the first failure."""
import os
import subprocess
import sys
import urllib.request


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


def skip_unless_cells_can_run(fixtures, needs_mirror=False):
    """Exits 77 (CTest's skip), saying why, without root or without the base fixture, and
    with needs_mirror (images built with apt-get) when the Debian mirror is unreachable."""
    if os.geteuid() != 0:
        print("SKIP: cells run in boxes, which need root (CI runs as root)")
        sys.exit(77)
    if not os.path.exists(os.path.join(fixtures, "base.tar")):
        print("SKIP: no base image fixture (mmdebstrap missing?)")
        sys.exit(77)
    if needs_mirror:
        why = mirror_unreachable()
        if why:
            print("SKIP:", why)
            sys.exit(77)


def skip_unless_boxes_start(waybill, image, env=None):
    """Exits 77, saying why, where root cannot create a box's namespaces (a container
    without CAP_SYS_ADMIN, seccomp refusing clone3). IMAGE must be in the store."""
    p = subprocess.run([waybill, "-q", "run", image, "true"], capture_output=True, text=True, env=env)
    why = [line for line in p.stderr.splitlines() if "create the box's namespaces" in line]
    if p.returncode != 0 and why:
        print("SKIP: boxes cannot be created here:", why[0])
        sys.exit(77)


def limits_enforced(waybill, image, env=None, swap=True):
    """None where waybill enforces cgroup limits here, else its warning saying why not
    (it warns and runs the box anyway). With swap=False, swap that is not limited is
    ignored (the cgroups are still made). IMAGE must be in the store."""
    p = subprocess.run([waybill, "run", "--memory", "64m", "--pids", "64", "--cpus", "1", image, "true"],
                       capture_output=True, text=True, env=env)
    for line in p.stderr.splitlines():
        if "is not enforced" in line or (swap and "swap is not limited" in line):
            return line.strip()
    return None


def debian_mirror():
    """The archive apt uses here, as `image bootstrap` reads it (the first URI of
    debian.sources, else of sources.list), or deb.debian.org."""
    for path in ("/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"):
        if not os.path.exists(path):
            continue
        with open(path) as f:
            lines = f.read().splitlines()
        for line in lines:
            words = line.split()
            if words[:1] == ["URIs:"] and len(words) > 1:
                return words[1]
            if words[:1] == ["deb"]:
                uris = [w for w in words if "://" in w]
                if uris:
                    return uris[0]
        break
    return "http://deb.debian.org/debian"


def mirror_unreachable(mirror=None):
    """None when the Debian mirror (MIRROR, else the one apt uses here) answers, else why not."""
    url = (mirror or debian_mirror()).rstrip("/") + "/dists/bookworm/Release"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=15).close()
    except (OSError, ValueError) as e:
        return f"the Debian mirror is unreachable ({url}: {e})"
    return None


def base_store(waybill, fixtures, work):
    """Points WAYBILL_HOME at a new store under WORK holding the base fixture image
    (debian-base:test), skipping where boxes cannot start; returns WORK/doc, created."""
    os.environ["WAYBILL_HOME"] = os.path.join(work, "home")
    runner(waybill)(["-q", "image", "load", "-i", os.path.join(fixtures, "base.tar")])
    skip_unless_boxes_start(waybill, "debian-base:test")
    docdir = os.path.join(work, "doc")
    os.makedirs(docdir)
    return docdir
