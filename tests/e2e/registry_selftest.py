#!/usr/bin/env python3
"""The registry harness works with the reference clients, before waybill is judged by
it: podman and skopeo push, pull and copy through an htpasswd registry and a token
registry (whose token server must have been asked), a wrong password and an anonymous
client are refused, and the faulty proxy passes, corrupts and cuts blobs as the tests
that use it assume. No waybill involved. Root only (podman with its own storage).

usage: registry_selftest.py FIXTURES   (FIXTURES holds base.tar)
"""
import base64
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, fail  # noqa: E402
from registry_harness import (FaultyProxy, Registry, podman_cleanup, podman_cmd, podman_creds,  # noqa: E402
                              skip_unless_registry_tests_can_run)

BASE = "docker.io/library/debian-base:test"


def sh(argv, expect_ok=True, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if expect_ok and p.returncode != 0:
        fail(f"{' '.join(argv)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def skopeo_creds(reg, side):
    return [f"--{side}-cert-dir", reg.certs_dir, f"--{side}-creds", f"{reg.user}:{reg.password}"]


def oci_digest(layout):
    return json.load(open(os.path.join(layout, "index.json")))["manifests"][0]["digest"]


def registry_round_trip(pod, reg, work):
    """podman login, push, pull and run; skopeo copy out to a layout and back in."""
    name = reg.auth
    authfile = os.path.join(work, f"auth-{name}.json")
    sh(pod + ["login", "--authfile", authfile, "--cert-dir", reg.certs_dir, "-u", reg.user,
              "--password-stdin", reg.host], input=reg.password)
    check(f"{name}: podman login wrote the auth file", reg.host in json.load(open(authfile))["auths"])
    ref = f"{reg.host}/test/base:1"
    sh(pod + ["tag", BASE, ref])
    sh(pod + ["push", "--authfile", authfile, "--cert-dir", reg.certs_dir, ref])
    sh(pod + ["rmi", ref])
    sh(pod + ["pull", "--authfile", authfile, "--cert-dir", reg.certs_dir, ref])
    out = sh(pod + ["run", "--rm", "--network", "none", ref, "cat", "/etc/os-release"]).stdout
    check(f"{name}: podman pushes, pulls and runs the base", "bookworm" in out, out)

    layout = os.path.join(work, f"oci-{name}")
    sh(["skopeo", "copy", "--preserve-digests", *skopeo_creds(reg, "src"), f"docker://{ref}", f"oci:{layout}:x"])
    sh(["skopeo", "copy", "--preserve-digests", *skopeo_creds(reg, "dest"), f"oci:{layout}:x",
        f"docker://{reg.host}/test/copied:1"])
    remote = json.loads(sh(["skopeo", "inspect", "--cert-dir", reg.certs_dir, "--creds",
                            f"{reg.user}:{reg.password}", f"docker://{reg.host}/test/copied:1"]).stdout)
    check(f"{name}: skopeo copies to an OCI layout and back, digests kept",
          remote["Digest"] == oci_digest(layout), (remote["Digest"], oci_digest(layout)))

    wrong = sh(["skopeo", "inspect", "--cert-dir", reg.certs_dir, "--creds", f"{reg.user}:not-{reg.password}",
                f"docker://{ref}"], expect_ok=False)
    check(f"{name}: a wrong password is refused", wrong.returncode != 0, wrong.stderr)
    anonymous = sh(["skopeo", "inspect", "--cert-dir", reg.certs_dir, "--no-creds", f"docker://{ref}"],
                   expect_ok=False)
    check(f"{name}: an anonymous client is refused", anonymous.returncode != 0, anonymous.stderr)
    return layout


def blob_of(layout):
    """The digest of the layout's first (largest) layer."""
    manifest_digest = oci_digest(layout).split(":")[1]
    manifest = json.load(open(os.path.join(layout, "blobs", "sha256", manifest_digest)))
    return max(manifest["layers"], key=lambda d: d["size"])["digest"]


def get(host, path, reg, headers=None):
    """A GET through the proxy with the registry's credentials: (status, the response,
    the body, whether it came whole)."""
    conn = http.client.HTTPConnection(host, timeout=60)
    auth = base64.b64encode(f"{reg.user}:{reg.password}".encode()).decode()
    conn.request("GET", path, headers={"Authorization": "Basic " + auth, **(headers or {})})
    resp = conn.getresponse()
    try:
        return resp.status, resp, resp.read(), True
    except http.client.IncompleteRead as e:
        return resp.status, resp, e.partial, False
    finally:
        conn.close()


def proxy_checks(reg, layout, work):
    digest = blob_of(layout)
    path = f"/v2/test/base/blobs/{digest}"
    creds = f"{reg.user}:{reg.password}"

    with FaultyProxy(reg, "pass") as proxy:
        out = os.path.join(work, "via-pass")
        sh(["skopeo", "copy", "--src-tls-verify=false", "--src-creds", creds, f"docker://{proxy.host}/test/base:1",
            f"oci:{out}:x"])
        check("pass: skopeo pulls through the proxy, digests kept", oci_digest(out) == oci_digest(layout))
        # Uploads: Go streams PATCH bodies chunked, and the registry's Location must
        # come back pointing at the proxy.
        sh(["skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", creds, f"oci:{layout}:x",
            f"docker://{proxy.host}/test/through-proxy:1"])
        check("pass: skopeo pushes through the proxy",
              any(r["method"] == "PATCH" and r["status"] == 202 for r in proxy.requests), proxy.requests)

    with FaultyProxy(reg, "flip") as proxy:
        status, _, body, whole = get(proxy.host, path, reg)
        check("flip: a blob comes whole, with one byte changed",
              status == 200 and whole and "sha256:" + hashlib.sha256(body).hexdigest() != digest)
        p = sh(["skopeo", "copy", "--src-tls-verify=false", "--src-creds", creds, f"docker://{proxy.host}/test/base:1",
                f"oci:{os.path.join(work, 'via-flip')}:x"], expect_ok=False)
        check("flip: skopeo refuses the corrupted image", p.returncode != 0 and "digest" in p.stderr.lower(), p.stderr)

    with FaultyProxy(reg, "cut") as proxy:
        status, resp, first, whole = get(proxy.host, path, reg)
        length = int(resp.getheader("Content-Length"))
        check("cut: the first GET announces the whole blob and sends half",
              status == 200 and not whole and len(first) == length // 2, (status, whole, len(first), length))
        status, _, rest, whole = get(proxy.host, path, reg, {"Range": f"bytes={len(first)}-"})
        check("cut: a ranged GET then gets the rest (206), and the blob is whole",
              status == 206 and whole and "sha256:" + hashlib.sha256(first + rest).hexdigest() == digest,
              (status, len(rest)))
        check("cut: the proxy records both GETs, the second with its range",
              [(r["range"], r["status"]) for r in proxy.requests if r["path"] == path] ==
              [(None, 200), (f"bytes={len(first)}-", 206)], proxy.requests)

    with FaultyProxy(reg, "cut") as proxy:
        # Whether skopeo resumes is its business (1.9 does not); say what it did.
        p = sh(["skopeo", "copy", "--src-tls-verify=false", "--src-creds", creds, f"docker://{proxy.host}/test/base:1",
                f"oci:{os.path.join(work, 'via-cut')}:x"], expect_ok=False)
        ranged = [r for r in proxy.requests if r["range"]]
        print(f"note: skopeo through a cutting proxy: exit {p.returncode}, {len(ranged)} ranged GETs")


def main():
    fixtures = sys.argv[1]
    skip_unless_registry_tests_can_run(fixtures)
    work = tempfile.mkdtemp(prefix="registry-selftest-")
    pod_dir = os.path.join(work, "podman")
    pod = podman_cmd(pod_dir)
    try:
        sh(pod + ["load", "-i", os.path.join(fixtures, "base.tar")])
        with Registry(os.path.join(work, "htpasswd")) as reg:
            layout = registry_round_trip(pod, reg, work)
            proxy_checks(reg, layout, work)
        with Registry(os.path.join(work, "token"), auth="token") as reg:
            registry_round_trip(pod, reg, work)
            scopes = [s for _, q in reg.token_requests for s in urllib.parse.parse_qs(q).get("scope", [])]
            check("token: the token server was asked, for the pushed repository",
                  any(s.startswith("repository:test/base:") and "push" in s for s in scopes), reg.token_requests)
            print(f"token: {len(reg.token_requests)} token requests in all")
            ref = f"{reg.host}/test/copied:1"
            sh(pod + ["pull", *podman_creds(reg), ref])
            check("token: podman pulls with --creds", sh(pod + ["image", "exists", ref]).returncode == 0)
    finally:
        podman_cleanup(pod_dir)
        shutil.rmtree(work, ignore_errors=True)
    print("registry harness ok")


main()
