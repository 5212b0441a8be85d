#!/usr/bin/env python3
"""waybill and OCI registries end to end, against the CNCF distribution registry over
TLS (tests/e2e/registry_harness.py), with podman and skopeo on the other side:

 a. waybill logs in and pushes the Debian base; podman pulls and runs it. Large blobs go
    up in PATCH chunks; another repository of the registry gets its blobs by mount.
 b. podman pushes; waybill pulls, runs it, and sees podman's diff_ids.
 c. skopeo copies between the registry and waybill's store (an OCI layout) both ways.
 d. a two-platform index (made with podman manifest): waybill picks the platform.
 e. a token-authenticated registry: tokens are asked for once per scope, not per request.
 f. a document whose Dockerfile starts FROM the registry renders, and its provenance
    record names the registry and the pulled digest.
 g. mirrors are tried first, and a mirror that is down is passed over.
 h. failures: registry down, unknown tag, wrong password, a corrupted blob (refused on
    digest), a cut connection (resumed with a ranged GET); the store stays sound.

Every waybill run has its own store (WAYBILL_HOME), the registry configuration
(WAYBILL_REGISTRIES) and an auth file (REGISTRY_AUTH_FILE); HOME and XDG_RUNTIME_DIR
point into the test's directory so that no credentials of the machine's user leak in.
Root only (boxes, and podman with its own storage).

usage: registry.py WAYBILL FIXTURES   (FIXTURES holds base.tar)
"""
import base64
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, fail  # noqa: E402
from registry_harness import (FaultyProxy, Registry, podman_cleanup, podman_cmd, podman_creds,  # noqa: E402
                              skip_unless_registry_tests_can_run, write_auth_file, write_registries_conf)

BASE = "docker.io/library/debian-base:test"


def sh(argv, **kw):
    """A peer's command (podman, skopeo), which must succeed."""
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        fail(f"{' '.join(argv)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


class Env:
    """What every step shares: the work directory, waybill's registry configuration and
    auth file, its stores (one per letter or name), and podman."""

    def __init__(self, waybill, fixtures, work):
        self.waybill = waybill
        self.fixtures = fixtures
        self.work = work
        self.conf = os.path.join(work, "registries.json")
        self.conf_entries = {}
        self.authfile = os.path.join(work, "auth.json")
        self.pod_dir = os.path.join(work, "podman")
        self.pod = podman_cmd(self.pod_dir)
        self.user_home = os.path.join(work, "user-home")
        os.makedirs(self.user_home)

    def configure(self, host, chunk_size=None, **entry):
        """Adds or replaces HOST in waybill's registry configuration."""
        self.conf_entries[host] = entry
        write_registries_conf(self.conf, self.conf_entries, chunk_size)

    def store(self, name):
        return os.path.join(self.work, "home-" + name)

    def wb(self, home, *args, expect=0, authfile=None, stdin=None):
        """waybill ARGS with store HOME. expect=0 wants success; expect="error" wants a
        refusal: exit 1 or 3, an `error:` line and a `hint:` line on stderr; expect=None
        takes any outcome."""
        env = dict(os.environ, WAYBILL_HOME=self.store(home), WAYBILL_REGISTRIES=self.conf,
                   REGISTRY_AUTH_FILE=authfile or self.authfile, HOME=self.user_home,
                   XDG_RUNTIME_DIR=self.user_home)
        p = subprocess.run([self.waybill, *args], capture_output=True, text=True, env=env, input=stdin)
        shown = f"waybill {' '.join(args)} (store {home}): exit {p.returncode}\n{p.stdout}\n{p.stderr}"
        if expect == "error":
            if not (p.returncode in (1, 3) and re.search(r"(^|\s)error: ", p.stderr, re.M) and
                    re.search(r"^\s*hint: ", p.stderr, re.M)):
                fail("expected a refusal with an error and a hint from " + shown)
        elif expect is not None and p.returncode != expect:
            fail(shown)
        return p

    def inspect(self, home, name):
        return json.loads(self.wb(home, "image", "inspect", name).stdout)[0]

    def pull(self, home, ref, *flags):
        """waybill image pull, which prints the manifest's digest."""
        return self.wb(home, "image", "pull", ref, *flags).stdout.strip()

    def sound(self, home, what):
        """The store passes fsck (after whatever just happened to it)."""
        p = self.wb(home, "image", "fsck", expect=None)
        check(f"{what}: the store is sound (fsck)", p.returncode == 0, p.stdout + p.stderr)

    def podman_diff_ids(self, ref):
        return sh(self.pod + ["image", "inspect", ref, "--format", "{{range .RootFS.Layers}}{{.}} {{end}}"]
                  ).stdout.split()

    def remote_digest(self, reg, ref):
        return json.loads(sh(["skopeo", "inspect", "--cert-dir", reg.certs_dir, "--creds",
                              f"{reg.user}:{reg.password}", f"docker://{ref}"]).stdout)["Digest"]

    def skopeo_copy(self, reg, src, dest):
        """skopeo copy between REG and a layout, digests unchanged (or an error)."""
        side = "src" if src.startswith("docker://") else "dest"
        sh(["skopeo", "copy", "--preserve-digests", f"--{side}-cert-dir", reg.certs_dir,
            f"--{side}-creds", f"{reg.user}:{reg.password}", src, dest])


def layout_digest(layout, ref_name):
    for m in json.load(open(os.path.join(layout, "index.json")))["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref_name:
            return m["digest"]
    return None


def push_from_waybill(t, reg):
    print(f"== a. waybill login and push to {reg.host}; podman pulls and runs")
    t.wb("A", "image", "load", os.path.join(t.fixtures, "base.tar"))
    base_id = t.inspect("A", "debian-base:test")["Id"]

    t.wb("A", "login", reg.host, "-u", reg.user, "--password-stdin", stdin=reg.password)
    auths = json.load(open(t.authfile))["auths"]
    check("login writes the credentials to REGISTRY_AUTH_FILE",
          base64.b64decode(auths[reg.host]["auth"]).decode() == f"{reg.user}:{reg.password}", auths)
    check("the auth file is readable by its owner only", stat.S_IMODE(os.stat(t.authfile).st_mode) == 0o600,
          oct(os.stat(t.authfile).st_mode))
    other = os.path.join(t.work, "other-auth.json")
    t.wb("A", "login", "--authfile", other, reg.host, "-u", reg.user, "-p", reg.password)
    check("login --authfile writes that file instead", reg.host in json.load(open(other))["auths"])
    t.wb("A", "logout", "--authfile", other, reg.host)
    check("logout removes the host's entry", reg.host not in json.load(open(other)).get("auths", {}))

    ref = f"{reg.host}/test/base:1"
    t.wb("A", "image", "push", "debian-base:test", ref)
    check("push keeps the manifest: the registry serves the store's digest", t.remote_digest(reg, ref) == base_id)
    t.wb("A", "image", "tag", "debian-base:test", f"{reg.host}/test/tagged:1")
    t.wb("A", "image", "push", f"{reg.host}/test/tagged:1")
    check("push without a destination pushes to the image's own name",
          t.remote_digest(reg, f"{reg.host}/test/tagged:1") == base_id)

    sh(t.pod + ["pull", *podman_creds(reg), ref])
    out = sh(t.pod + ["run", "--rm", "--network", "none", ref, "cat", "/etc/os-release"]).stdout
    check("podman pulls what waybill pushed, and runs it", "bookworm" in out, out)
    t.sound("A", "after pushing")
    return base_id


def chunks_and_mounts(t, reg, base_id):
    print("== a2. chunked uploads and cross-repository mounts")
    # Through a pass-through proxy, to see the requests: 1 MiB chunks, so the 58 MB
    # layer goes up as PATCHes; the config (small) in one PUT.
    with FaultyProxy(reg, "pass") as proxy:
        t.configure(proxy.host, chunk_size=1 << 20, insecure=True)
        creds = write_auth_file(os.path.join(t.work, "proxy-auth.json"), {proxy.host: (reg.user, reg.password)})
        t.wb("A", "image", "push", "debian-base:test", f"{proxy.host}/test/chunked:1", authfile=creds)
        patches = [r for r in proxy.requests if r["method"] == "PATCH"]
        check("a layer larger than chunk_size goes up in PATCH chunks", len(patches) >= 50,
              f"{len(patches)} PATCH requests")
        puts = [r for r in proxy.requests if r["method"] == "PUT" and "/blobs/uploads/" in r["path"]]
        check("and each upload is closed by a PUT", len(puts) == 2, proxy.requests[-5:])
    t.configure(reg.host, ca=[reg.ca_file])
    check("the chunked push arrived whole: the registry serves the store's digest",
          t.remote_digest(reg, f"{reg.host}/test/chunked:1") == base_id)
    # test/base holds every blob already (scenario a): a push to a new repository asks
    # the registry to mount them rather than upload them.
    p = t.wb("A", "image", "push", "debian-base:test", f"{reg.host}/test/mounted:1")
    check("a push to another repository of the registry mounts the blobs", "2 mounted" in p.stderr, p.stderr)
    check("the mounted image is whole", t.remote_digest(reg, f"{reg.host}/test/mounted:1") == base_id)
    p = t.wb("A", "image", "push", "debian-base:test", f"{reg.host}/test/mounted:2")
    check("pushing again skips the blobs the repository has (HEAD)", "2 already there" in p.stderr, p.stderr)


def pull_from_podman(t, reg):
    print("== b. podman pushes; waybill pulls and runs")
    sh(t.pod + ["load", "-i", os.path.join(t.fixtures, "base.tar")])
    ref = f"{reg.host}/test/frompodman:1"
    sh(t.pod + ["tag", BASE, ref])
    sh(t.pod + ["push", *podman_creds(reg), ref])
    want = t.remote_digest(reg, ref)
    check("pull prints the manifest's digest", t.pull("B", ref) == want)
    image = t.inspect("B", ref)
    check("the image is in the store under the reference pulled", image["Id"] == want, image["Id"])
    check("its diff_ids are podman's", image["RootFS"]["Layers"] == t.podman_diff_ids(ref),
          (image["RootFS"]["Layers"], t.podman_diff_ids(ref)))
    out = t.wb("B", "run", ref, "cat", "/etc/os-release").stdout
    check("waybill runs the image podman pushed", "bookworm" in out, out)
    t.sound("B", "after pulling")


def skopeo_both_ways(t, reg, base_id):
    print("== c. skopeo between the registry and waybill's store")
    ref = f"{reg.host}/test/base:1"
    layout = os.path.join(t.work, "oci-c")
    t.skopeo_copy(reg, f"docker://{ref}", f"oci:{layout}:x")
    check("skopeo copies what waybill pushed, digest unchanged", layout_digest(layout, "x") == base_id)

    store_a = os.path.join(t.store("A"), "store")
    t.skopeo_copy(reg, f"oci:{store_a}:{BASE}", f"docker://{reg.host}/test/viaskopeo:1")
    check("skopeo pushes from waybill's store, and waybill pulls it back with the same digest",
          t.pull("D", f"{reg.host}/test/viaskopeo:1") == base_id)
    t.sound("D", "after pulling what skopeo pushed")

    t.wb("C", "image", "ls")  # creates the store's layout for skopeo to write into
    store_c = os.path.join(t.store("C"), "store")
    t.skopeo_copy(reg, f"docker://{ref}", f"oci:{store_c}:{ref}")
    check("an image skopeo writes into waybill's store is seen there, same digest",
          t.inspect("C", ref)["Id"] == base_id)
    t.sound("C", "after skopeo wrote into it")


def two_platforms(t, reg):
    print("== d. a two-platform index")
    amd, arm, multi = (f"{reg.host}/test/multi-{n}:1" for n in ("amd64", "arm64", "list"))
    # The arm64 image: the base plus a file, its config saying arm64. COPY runs
    # nothing, so no emulator is needed; the base itself is amd64, hence FROM --platform.
    ctx = os.path.join(t.work, "arm-context")
    os.makedirs(ctx)
    open(os.path.join(ctx, "Containerfile"), "w").write(f"FROM --platform=linux/amd64 {BASE}\nCOPY marker /marker\n")
    open(os.path.join(ctx, "marker"), "w").write("the arm64 image\n")
    sh(t.pod + ["build", "--arch", "arm64", "--pull=never", "-t", arm, ctx])
    sh(t.pod + ["tag", BASE, amd])
    sh(t.pod + ["manifest", "create", "waybill-test-list"])
    for ref, arch in ((amd, "amd64"), (arm, "arm64")):
        sh(t.pod + ["push", *podman_creds(reg), ref])
        sh(t.pod + ["manifest", "add", *podman_creds(reg), "--os", "linux", "--arch", arch, "waybill-test-list",
                    f"docker://{ref}"])
    sh(t.pod + ["manifest", "push", *podman_creds(reg), "--all", "waybill-test-list", f"docker://{multi}"])
    index = json.loads(sh(["skopeo", "inspect", "--raw", "--cert-dir", reg.certs_dir, "--creds",
                           f"{reg.user}:{reg.password}", f"docker://{multi}"]).stdout)
    by_arch = {m["platform"]["architecture"]: m["digest"] for m in index["manifests"]}
    check("the registry holds an index of two platforms", sorted(by_arch) == ["amd64", "arm64"], index)

    host_arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine())
    if host_arch:
        check(f"pull picks this machine's platform ({host_arch})", t.pull("E", multi) == by_arch[host_arch])
    check("pull --platform linux/arm64 picks the arm64 manifest",
          t.pull("F", multi, "--platform", "linux/arm64") == by_arch["arm64"])
    image = t.inspect("F", multi)
    check("and stores that image under the list's name", image["Id"] == by_arch["arm64"] and
          image["Architecture"] == "arm64", (image["Id"], image["Architecture"]))
    t.sound("F", "after pulling from an index")


def token_registry(t, reg, base_id):
    print(f"== e. token authentication ({reg.host}, tokens from {reg.token_host})")
    t.wb("A", "login", reg.host, "-u", reg.user, "-p", reg.password)
    print(f"   login: {len(reg.token_requests)} token requests")
    ref = f"{reg.host}/test/base:1"
    before = len(reg.token_requests)
    t.wb("A", "image", "push", "debian-base:test", ref)
    print(f"   push: {len(reg.token_requests) - before} token requests")
    before = len(reg.token_requests)
    check("pull through token authentication", t.pull("G", ref) == base_id)
    asked = reg.token_requests[before:]
    print(f"   pull: {len(asked)} token requests: {asked}")
    check("a token is asked for once per scope, not per request (at most 2 for a pull)", 1 <= len(asked) <= 2, asked)
    t.sound("G", "after a token pull")


DOC = """---
title: From a registry
---

```dockerfile {{#env}}
FROM {ref}
```

```yaml {{.manifest}}
languages:
  bash: {{image: env}}
```

```{{bash}}
echo hello-from-registry
```
"""


DIRECT_DOC = """---
title: A registry image, directly
---

```yaml {{.manifest}}
languages:
  bash: {{image: "{ref}"}}
```

```{{bash}}
echo hello-direct
```
"""


def render_from_registry(t, reg, base_id):
    print("== f. a document FROM the registry")
    ref = f"{reg.host}/test/base:1"
    docdir = os.path.join(t.work, "doc")
    os.makedirs(docdir)
    doc = os.path.join(docdir, "doc.md")
    open(doc, "w").write(DOC.format(ref=ref))
    t.wb("H", "render", doc, "--to", "html")
    html = open(os.path.join(docdir, "doc.html")).read()
    check("the document renders in an empty store, its base pulled", "hello-from-registry" in html)
    record = json.load(open(os.path.join(docdir, "doc.provenance.json")))
    deps = record["predicate"]["buildDefinition"]["resolvedDependencies"]
    base = next((d for d in deps if d["name"] == f"base/{ref}"), None)
    check("the provenance record names the registry, the reference and the pulled manifest's digest",
          base is not None and base["digest"]["sha256"] == base_id.split(":")[1] and
          base["annotations"]["obtainedBy"] == "registry" and base["annotations"]["registry"] == reg.host and
          base["annotations"]["reference"] == f"{ref}@{base_id}" and base["uri"] == f"docker://{ref}@{base_id}",
          json.dumps(deps, indent=1))
    check("the pulled base is in the store", t.inspect("H", ref)["Id"] == base_id)
    t.sound("H", "after the render")

    # A manifest may name a registry image directly, with no Dockerfile block.
    direct = os.path.join(docdir, "direct.md")
    open(direct, "w").write(DIRECT_DOC.format(ref=ref))
    t.wb("H2", "render", direct, "--to", "html")
    html = open(os.path.join(docdir, "direct.html")).read()
    check("a document whose manifest names a registry image renders, the image pulled", "hello-direct" in html)
    deps = json.load(open(os.path.join(docdir, "direct.provenance.json")))["predicate"]["buildDefinition"][
        "resolvedDependencies"]
    check("and its record names where the image came from",
          any(d["name"] == f"base/{ref}" and d["annotations"].get("registry") == reg.host for d in deps),
          json.dumps(deps, indent=1))


def mirrors(t, reg, base_id):
    print("== g. mirrors: tried before the registry itself")
    ref = f"{reg.host}/test/base:1"
    with FaultyProxy(reg, "pass") as mirror:
        t.configure(mirror.host, insecure=True)
        t.configure(reg.host, ca=[reg.ca_file], mirrors=[mirror.host])
        creds = write_auth_file(os.path.join(t.work, "mirror-auth.json"),
                                {reg.host: (reg.user, reg.password), mirror.host: (reg.user, reg.password)})
        check("a pull goes to the mirror first", t.wb("M1", "image", "pull", ref, authfile=creds).stdout.strip() ==
              base_id and any("/blobs/" in r["path"] and r["status"] == 200 for r in mirror.requests),
              mirror.requests)
        check("and the image is named as asked, not after the mirror", t.inspect("M1", ref)["Id"] == base_id)
    check("a mirror that is down: the registry itself serves the pull",
          t.wb("M2", "image", "pull", ref, authfile=creds).stdout.strip() == base_id)
    t.sound("M2", "after a mirror failed")
    t.configure(reg.host, ca=[reg.ca_file])


def refused(t, home, ref, phrases, what, authfile=None):
    """waybill image pull REF into the store HOME is refused with one of PHRASES, and
    leaves the store sound and without the image."""
    p = t.wb(home, "image", "pull", ref, expect="error", authfile=authfile)
    check(f"{what}: the pull is refused, saying so", any(s in p.stderr.lower() for s in phrases), p.stderr)
    t.sound(home, what)
    listed = t.wb(home, "image", "ls").stdout
    check(f"{what}: the image is not listed", ref.rsplit(":", 1)[0].split("/", 1)[1] not in listed, listed)


def failures(t, reg, base_id):
    print("== h. failures")
    ref = f"{reg.host}/test/base:1"
    reg.stop()
    refused(t, "g-down", ref, ("cannot connect", "connection refused"), "registry down")
    listed = t.wb("A", "image", "ls").stdout
    check("registry down: a store's other images are untouched", "debian-base" in listed, listed)
    reg.start()

    refused(t, "g-tag", f"{reg.host}/test/base:no-such-tag", ("not found", "manifest unknown"), "unknown tag")

    wrong = write_auth_file(os.path.join(t.work, "wrong-auth.json"), {reg.host: (reg.user, "not-" + reg.password)})
    refused(t, "g-auth", ref, ("unauthorized", "authentication"), "wrong password", authfile=wrong)

    with FaultyProxy(reg, "flip") as proxy:
        t.configure(proxy.host, insecure=True)
        creds = write_auth_file(os.path.join(t.work, "proxy-auth.json"), {proxy.host: (reg.user, reg.password)})
        refused(t, "g-flip", f"{proxy.host}/test/base:1", ("digest",), "a corrupted blob", authfile=creds)

    with FaultyProxy(reg, "cut") as proxy:
        t.configure(proxy.host, insecure=True)
        creds = write_auth_file(os.path.join(t.work, "proxy-auth.json"), {proxy.host: (reg.user, reg.password)})
        p = t.wb("g-cut", "image", "pull", f"{proxy.host}/test/base:1", authfile=creds)
        check("a cut connection: the pull still succeeds", p.stdout.strip() == base_id, p.stdout)
        gets = {}
        for r in proxy.requests:
            if r["method"] == "GET" and "/blobs/" in r["path"]:
                gets.setdefault(r["path"], []).append(r)
        resumed = [path for path, rs in gets.items() if len(rs) >= 2 and any(r["range"] for r in rs[1:])]
        check("a cut connection: the blob is fetched again from where it stopped (a ranged GET)",
              resumed, json.dumps(proxy.requests, indent=1))
        t.sound("g-cut", "after a cut connection")


def main():
    waybill, fixtures = os.path.abspath(sys.argv[1]), sys.argv[2]
    skip_unless_registry_tests_can_run(fixtures)
    work = tempfile.mkdtemp(prefix="waybill-registry-")
    t = Env(waybill, fixtures, work)
    try:
        with Registry(os.path.join(work, "reg-htpasswd")) as reg, \
                Registry(os.path.join(work, "reg-token"), auth="token") as token_reg:
            t.configure(reg.host, ca=[reg.ca_file])
            t.configure(token_reg.host, ca=[token_reg.ca_file])
            # The token server has its own address, under the same CA.
            t.configure(token_reg.token_host, ca=[token_reg.ca_file])
            base_id = push_from_waybill(t, reg)
            chunks_and_mounts(t, reg, base_id)
            pull_from_podman(t, reg)
            skopeo_both_ways(t, reg, base_id)
            two_platforms(t, reg)
            token_registry(t, token_reg, base_id)
            render_from_registry(t, reg, base_id)
            mirrors(t, reg, base_id)
            failures(t, reg, base_id)
    finally:
        podman_cleanup(t.pod_dir)
        shutil.rmtree(work, ignore_errors=True)
    print("registry ok")


main()
