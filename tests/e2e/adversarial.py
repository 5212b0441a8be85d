#!/usr/bin/env python3
"""Untrusted documents and sites: each attack in adversarial/ is rendered as a stranger's
pull request would be, without any flag, and must be contained (nothing written or read
outside the project), refused with a clear message at its place, and bounded (waybill
itself stays under 200 MB). Then what the command line may grant is granted, and the
record says so; and the engine's own findings (image archives, Dockerfiles, a full
disk, image names) are checked. Root only (boxes).

usage: adversarial.py WAYBILL FIXTURES
"""
import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, fail, skip_unless_boxes_start, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures = sys.argv[1], sys.argv[2]
skip_unless_cells_can_run(fixtures, needs_mirror=True)  # the attack documents' images run apt-get
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adversarial")
TARGET = "/tmp/waybill-adversarial"  # where the attacks try to write
HOST_LIMIT_KB = 200 * 1024
# Under AddressSanitizer the host's memory is its shadow and quarantine, not waybill's:
# the bound is checked in the plain build only.
SANITIZED = b"__asan_init" in open(waybill, "rb").read()
if SANITIZED:
    print("note: waybill is built with AddressSanitizer; its peak memory is reported, not bounded")

# name: (exit codes, messages the user must see, text that must not be in the outputs).
# A message given as a tuple is one of several: which one a user sees can depend on
# timing (a forged frame that lands before or after waybill sends the next request).
CASES = {
    "forged-figure-format": ((1,), ["refused output", "a figure of format"], []),
    "forged-file-name": ((1,), ["refused output", "its driver sent a file"], []),
    "forged-base64": ((1,), ["refused output", "not valid base64"], []),
    "forged-wrong-id": ((1,), ["a request it was not asked"], ["forged"]),
    "forged-huge-length": ((1,), ["over the", "a reply may have", "its box was stopped"], []),
    "forged-early-reply": ((1,), [("a reply to no request", "refused output: a figure of format")], []),
    "forged-shell-status": ((1,), ["a bad status line"], []),
    "forged-deep-json": ((1,), ["nested more than 64 levels deep"], []),
    "output-links": ((0,), ["passwd.txt is a symbolic link", "etc is a symbolic link"], ["root:x:0:0"]),
    "output-dir-link": ((1,), ["its output directory was replaced by a link"], ["root:x:0:0"]),
    "output-fifo": ((1,), ["is not a regular file"], []),
    "label-traversal": ((1,), ["is not a valid name"], []),
    "host-mount-root": ((1,), ["mounts writable `/`", "--allow-mount /"], []),
    "host-network": ((1,), ["the host's network", "--allow-network"], []),
    "limits-raised": ((1,), ["limits.memory asks for 64g", "--limit memory=64g"], []),
    "template-shadow": ((1,), ["the template `/etc/shadow` lies outside the project folder"], ["root:"]),
    "template-environ": ((1,), ["the template `/proc/self/environ` lies outside the project folder"], ["PATH="]),
    "bibliography-outside": ((1,), ["the bibliography `/etc/passwd` lies outside the project folder"], ["root:x:0:0"]),
    "fork-bomb": ((0, 1), [], []),
    "endless-output": ((1,), [("more than its cell may put out", "a reply may have", "out of memory")], []),
    "huge-print": ((1,), [("more than its cell may put out", "a reply may have")], []),
    "fill-tmp": ((0, 1), [], []),
    "nested-quotes": ((1,), ["nested more than 100 levels deep"], []),
    "nested-lists": ((1,), ["nested more than 100 levels deep"], []),
    "billion-laughs": ((1,), ["once aliases are expanded"], []),
    "long-code-line": ((0,), [], []),
    "html-injection": ((0,), [], ["<script>alert('stdout')", "<img src=x onerror", "<script>alert('title')"]),
    "memory-hog": ((1,), ["out of memory"], []),
    "inputs-outside": ((1,), ["`../../../../../../etc/passwd` lies outside the document's directory"], ["root:x:0:0"]),
}
# Cases whose message needs a cgroup memory limit, which some machines cannot enforce.
NEEDS_LIMITS = {"memory-hog"}


class Waybill:
    """Runs waybill in the test's store, recording the peak memory of the waybill process
    itself (VmHWM, sampled until it exits), not of its boxes."""

    def __init__(self, env):
        self.env = env
        self.peak_kb = 0

    def __call__(self, args, cwd=None, timeout=300):
        p = subprocess.Popen([waybill] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=self.env, cwd=cwd)
        deadline, peak = time.time() + timeout, 0
        while p.poll() is None and time.time() < deadline:
            try:
                for line in open(f"/proc/{p.pid}/status"):
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)
        if p.poll() is None:
            p.kill()
        out, err = p.communicate()
        self.peak_kb = max(self.peak_kb, peak)
        return subprocess.CompletedProcess(args, p.returncode, out, err), peak


def outputs_text(project):
    text = ""
    for path in glob.glob(os.path.join(project, "**"), recursive=True):
        if os.path.isfile(path) and not os.path.islink(path) and not path.endswith(".md"):
            text += open(path, errors="replace").read()
    return text


def fresh_target():
    shutil.rmtree(TARGET, ignore_errors=True)
    os.makedirs(TARGET)


def attack_documents(run, work):
    for name, (codes, messages, absent) in CASES.items():
        fresh_target()
        project = os.path.join(work, name)
        os.makedirs(project)
        shutil.copy(os.path.join(HERE, name + ".md"), project)
        p, peak = run(["render", os.path.join(project, name + ".md"), "--to", "html"])
        said = p.stdout + p.stderr
        if name in NEEDS_LIMITS and "is not enforced" in said:
            print(f"skip: {name}: this machine cannot enforce a memory limit")
            continue
        check(f"{name}: exit {' or '.join(map(str, codes))}", p.returncode in codes, said[-3000:])
        for m in messages:
            m = m if isinstance(m, tuple) else (m,)
            check(f"{name}: says `{' or '.join(m)}`", any(x in said for x in m), said[-3000:])
        check(f"{name}: wrote nothing outside the project", os.listdir(TARGET) == [], os.listdir(TARGET))
        text = outputs_text(project)
        for a in absent:
            check(f"{name}: `{a}` is not in the outputs or messages", a not in text and a not in said.replace(name, ""))
        check(f"{name}: waybill stayed under 200 MB ({peak // 1024} MB)", SANITIZED or peak < HOST_LIMIT_KB, peak)


def granted(run, work):
    """What the command line grants is allowed, and the record and page say so."""
    project = os.path.join(work, "granted")
    os.makedirs(project)
    shutil.copy(os.path.join(HERE, "host-network.md"), project)
    doc = os.path.join(project, "host-network.md")
    p, _ = run(["render", doc, "--to", "html", "--allow-network"])
    check("--allow-network lets a manifest have the host's network", p.returncode == 0, p.stderr)
    record = json.load(open(os.path.join(project, "host-network.provenance.json")))
    grants = record["predicate"]["buildDefinition"]["externalParameters"]["options"]["grants"]
    check("the record says what was granted", grants == {"network": True}, grants)
    page = open(os.path.join(project, "host-network.html")).read()
    check("the page says what was granted", "Granted on the command line: <code>--allow-network</code>" in page)

    shutil.copy(os.path.join(HERE, "limits-raised.md"), project)
    p, _ = run(["render", os.path.join(project, "limits-raised.md"), "--to", "html", "--limit", "memory=64g",
                "--limit", "pids=1000000"])
    check("--limit raises the ceilings a manifest may ask for", p.returncode == 0, p.stderr)
    p, _ = run(["render", os.path.join(project, "limits-raised.md"), "--to", "html", "--limit", "memory=8g",
                "--limit", "pids=1000000"])
    check("a ceiling below what the manifest asks is still refused",
          p.returncode == 1 and "--limit memory=64g" in p.stderr, p.stderr)

    outside = os.path.join(work, "outside-template")
    os.makedirs(outside)
    open(os.path.join(outside, "t.html"), "w").write("<html><body>OWN TEMPLATE {{{body}}}</body></html>\n")
    open(os.path.join(project, "t.md"), "w").write(f"---\ntemplate: {outside}/t.html\n---\n\nText.\n")
    p, _ = run(["render", os.path.join(project, "t.md"), "--to", "html"])
    check("a template outside the project is refused", p.returncode == 1 and "lies outside the project" in p.stderr, p.stderr)
    p, _ = run(["render", os.path.join(project, "t.md"), "--to", "html", "--allow-path", outside])
    check("--allow-path lets a document read beneath that folder",
          p.returncode == 0 and "OWN TEMPLATE" in open(os.path.join(project, "t.html")).read(), p.stderr)
    os.symlink(outside, os.path.join(project, "link"))
    open(os.path.join(project, "t2.md"), "w").write("---\ntemplate: link/t.html\n---\n\nText.\n")
    p, _ = run(["render", os.path.join(project, "t2.md"), "--to", "html"])
    check("a link inside the project that leads out of it is refused",
          p.returncode == 1 and "through a symbolic link" in p.stderr, p.stderr)


def hostile_sites(run, work):
    def site(name, files, links=()):
        root = os.path.join(work, "site-" + name)
        os.makedirs(root)
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            open(os.path.join(root, path), "w").write(text)
        for path, target in links:
            os.symlink(target, os.path.join(root, path))
        return root

    fresh_target()
    root = site("output", {"waybill.yml": f"output: {TARGET}/site\n", "index.md": "# Home\n\n[a link](other.txt)\n",
                           "other.txt": "x\n"})
    p, _ = run(["site", root])
    check("waybill.yml's output outside the project is refused",
          p.returncode == 1 and "lies outside the project folder" in p.stderr and "waybill.yml:1:9" in p.stderr, p.stderr)
    check("and nothing is written there", os.listdir(TARGET) == [], os.listdir(TARGET))
    p, _ = run(["site", root, "-o", os.path.join(TARGET, "site")])
    check("the command line's -o may write anywhere", p.returncode == 0, p.stderr)
    fresh_target()

    root = site("page-link", {"index.md": "# Home\n"}, [("passwd.md", "/etc/passwd")])
    p, _ = run(["site", root])
    check("a page that is a link to /etc/passwd is refused",
          p.returncode == 1 and "the page `passwd.md` lies outside the project folder" in p.stderr, p.stderr)
    check("and /etc/passwd is not published", "root:x:0:0" not in outputs_text(root))

    root = site("data-link", {"waybill.yml": "data: {leak: data}\n", "index.md": "# Home\n"}, [("data", "/etc")])
    p, _ = run(["site", root])
    check("a data folder that is a link to /etc is refused",
          p.returncode == 1 and "the data folder `data` lies outside the project folder" in p.stderr, p.stderr)

    root = site("image-file", {"waybill.yml": "images:\n  env: {file: /etc/shadow}\n", "index.md": "# Home\n"})
    p, _ = run(["site", root])
    check("images.env.file outside the project is refused, its content unread",
          p.returncode == 1 and "lies outside the project folder" in p.stderr and "root:" not in p.stderr, p.stderr)

    root = site("titles", {"index.md": "---\ntitle: \"<script>alert('title')</script>\"\n---\n\n# <b>Bold</b> heading\n\n"
                                       "Text with </script><script>alert('index')</script> in it.\n"})
    p, _ = run(["site", root])
    published = "".join(open(f).read() for f in glob.glob(os.path.join(root, "_site", "**", "*.html"), recursive=True))
    check("a page's title is escaped on every page of the site",
          p.returncode == 0 and "<script>alert('title')" not in published, p.stderr)
    index = open(os.path.join(root, "_site", "_waybill", "search-index.js")).read()
    check("the search index cannot close a script element", "</script" not in index, index[:500])

    root = site("javascript", {"index.md": "# Home\n", "javascript:alert(1).md": "# Sneaky\n"})
    p, _ = run(["site", root])
    home = open(os.path.join(root, "_site", "index.html")).read()
    check("a page named javascript:... is linked as a relative path",
          p.returncode == 0 and 'href="./javascript:alert(1).html"' in home and 'href="javascript:' not in home, p.stderr)


def oci_archive(config):
    """An OCI image archive with one empty layer and the given config."""
    layer = io.BytesIO()
    tarfile.open(fileobj=layer, mode="w").close()
    layer = layer.getvalue()
    blobs = {}

    def blob(data):
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"digest": "sha256:" + digest, "size": len(data)}
    cfg = blob(config.encode())
    lay = blob(layer)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"),
                           "layers": [dict(lay, mediaType="application/vnd.oci.image.layer.v1.tar")]}).encode()
    man = blob(manifest)
    index = json.dumps({"schemaVersion": 2, "manifests": [dict(man, mediaType="application/vnd.oci.image.manifest.v1+json",
                        annotations={"org.opencontainers.image.ref.name": "overflow:1"})]}).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        for name, data in [("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index)] + \
                          [("blobs/sha256/" + d, b) for d, b in blobs.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def host_paths_and_sizes(run, work):
    """Inputs that are links out of the document's folder, and a document too large to read."""
    project = os.path.join(work, "input-link")
    os.makedirs(project)
    os.symlink("/etc/passwd", os.path.join(project, "data.csv"))
    text = open(os.path.join(HERE, "inputs-outside.md")).read().replace("../../../../../../etc/passwd", "data.csv")
    open(os.path.join(project, "doc.md"), "w").write(text)
    p, _ = run(["render", os.path.join(project, "doc.md"), "--to", "html"])
    check("a declared input that is a link to /etc/passwd is refused",
          p.returncode == 1 and "`data.csv` lies outside the document's directory" in p.stderr, p.stderr)
    check("and /etc/passwd is not read into the record", "root:x:0:0" not in outputs_text(project))

    big = os.path.join(work, "big", "big.md")
    os.makedirs(os.path.dirname(big))
    with open(big, "w") as f:
        f.write("# Big\n\n")
        line = "- " + "word " * 20 + "\n"
        f.write(line * ((50 << 20) // len(line)))
    p, peak = run(["render", big, "--to", "html"])
    check("a 50 MB document is refused, said plainly",
          p.returncode == 1 and "waybill reads documents of up to 16 MiB" in p.stderr and "big.md" in p.stderr, p.stderr)
    check(f"and waybill stayed under 200 MB ({peak // 1024} MB)", SANITIZED or peak < HOST_LIMIT_KB, peak)


def engine_findings(run, work, env):
    archive = os.path.join(work, "overflow.tar")
    open(archive, "wb").write(oci_archive('{"architecture": "amd64", "os": "linux", "config": {"StopTimeout": 1e400}, '
                                          '"rootfs": {"type": "layers", "diff_ids": ["sha256:' +
                                          hashlib.sha256(io.BytesIO().getvalue()).hexdigest() + '"]}}'))
    p, _ = run(["image", "load", "-i", archive])
    check("an image config with 1e400 is refused at load", p.returncode == 1 and "image config" in p.stderr, p.stderr)
    p, _ = run(["image", "ls"])
    check("and image ls still works", p.returncode == 0 and "overflow" not in p.stdout, p.stdout + p.stderr)

    ctx = os.path.join(work, "label-ctx")
    os.makedirs(ctx)
    open(os.path.join(ctx, "Dockerfile"), "wb").write(b'FROM debian-base:test\nLABEL x="\xff\xfe"\n')
    p, _ = run(["build", "--pull", "never", ctx])
    check("a LABEL that is not UTF-8 is an error at its place",
          p.returncode == 1 and "Dockerfile:2:10: error: the Dockerfile is not valid UTF-8" in p.stderr, p.stderr)
    open(os.path.join(ctx, "Dockerfile"), "w").write("FROM debian-base:test\nCOPY --chmod=abc Dockerfile /x\n")
    p, _ = run(["build", "--pull", "never", ctx])
    check("a wrong --chmod is an error at its place", "Dockerfile:2:1: error: invalid --chmod" in p.stderr, p.stderr)

    # Two documents of one name in two folders keep images of their own.
    tags = []
    for folder in ("a", "b"):
        d = os.path.join(work, "same-name", folder)
        os.makedirs(d)
        open(os.path.join(d, "paper.md"), "w").write(
            f"```dockerfile {{#env}}\nFROM debian-base:test\nLABEL folder={folder}\n```\n\n```{{bash}}\necho {folder}\n```\n")
        p, _ = run(["render", os.path.join(d, "paper.md"), "--to", "html"])
        check(f"paper.md in {folder}/ renders", p.returncode == 0, p.stderr)
    p, _ = run(["image", "ls"])
    tags = sorted(line.split()[0] for line in p.stdout.splitlines() if line.startswith("paper-"))
    check("two paper.md in two folders have two images", len(tags) == 2 and tags[0] != tags[1], p.stdout)

    # A full disk while packing a layer says so.
    small = os.path.join(work, "small")
    os.makedirs(small)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small]).returncode != 0:
        print("skip: cannot mount a small tmpfs for the full-disk check")
        return
    try:
        data = os.path.join(work, "big-data")
        os.makedirs(data)
        open(os.path.join(data, "random.bin"), "wb").write(os.urandom(8 << 20))
        p = subprocess.run([waybill, "image", "pack-data", data, "big-data"], capture_output=True, text=True,
                           env=dict(env, WAYBILL_HOME=small))
        check("a full disk while packing is said plainly",
              p.returncode != 0 and "No space left on device" in p.stderr and "basic_string" not in p.stderr, p.stderr)
    finally:
        subprocess.run(["umount", small])


def main():
    missing = sorted(set(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*.md"))) - set(CASES))
    if missing:
        fail(f"attack documents without expectations: {missing}")
    work = tempfile.mkdtemp(prefix="waybill-adversarial-")
    env = dict(os.environ, WAYBILL_HOME=os.path.join(work, "home"))
    run = Waybill(env)
    try:
        subprocess.run([waybill, "-q", "image", "load", "-i", os.path.join(fixtures, "base.tar")], env=env, check=True)
        skip_unless_boxes_start(waybill, "debian-base:test", env)
        attack_documents(run, work)
        granted(run, work)
        hostile_sites(run, work)
        host_paths_and_sizes(run, work)
        engine_findings(run, work, env)
        p, _ = run(["image", "fsck"])
        check("the store is consistent after every attack", p.returncode == 0 and "no problems" in p.stdout, p.stdout)
        print(f"waybill's peak memory over every attack: {run.peak_kb // 1024} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(TARGET, ignore_errors=True)


main()
