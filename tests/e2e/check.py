#!/usr/bin/env python3
"""Lock, check, sign and verify end to end, on the Debian base fixture with shell cells:
a deterministic document passes `check`; planted nondeterminism (the current time), a
changed input, a changed base (in the store, and through --rebuild from the manifest's
archive), and a failing cell are each reported by name, with exit 4 and a JUnit file
with the right counts. The record validates against the schemas, and `verify` names
each kind of tampering. Root only (boxes), like CI.

usage: check.py WAYBILL FIXTURES SCHEMAS VALIDATOR
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_util import check, runner, skip_unless_cells_can_run  # noqa: E402

waybill, fixtures, schemas, validator = sys.argv[1:5]
skip_unless_cells_can_run(fixtures)

DOC = """---
title: Checked
waybill: {lock: true}
---

```dockerfile {#env}
FROM changing:base
ENV GREETING=hello
```

```yaml {.manifest}
languages:
  bash: {image: env}
inputs: [data.txt]
bases:
  changing:base: {archive: base.tar}
```

```{bash}
#| label: greet
echo "$GREETING world"
```

```{bash}
#| label: data
cat data.txt
```

```{bash}
#| label: timing
#| check: {ignore: "took [0-9]+ ms"}
echo "took $RANDOM ms"
```

```{bash}
#| label: approx
#| check: {tolerance: 0.01}
echo "pi is about 3.14$((RANDOM % 10))"
```

```{bash}
#| label: noisy
#| check: false
date +%s%N
```

```{bash}
#| label: fragile
#| error: true
test ! -e /doc/break-me
```
"""

CLOCK = """
```{bash}
#| label: clock
date +%s%N
```
"""


run = runner(waybill)


def junit(path):
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    counts = {k: int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    return counts, cases


def verdicts(report):
    """{'cell/greet': 'passed', ...} from the report check prints."""
    out = {}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("passed", "drifted", "failed", "skipped"):
            out[parts[1]] = parts[0]
    return out


def main():
    work = tempfile.mkdtemp()
    try:
        os.environ["WAYBILL_HOME"] = os.path.join(work, "home")
        d = os.path.join(work, "doc")
        os.makedirs(d)
        doc = os.path.join(d, "paper.md")
        open(doc, "w").write(DOC)
        open(os.path.join(d, "data.txt"), "w").write("one,two\n")
        shutil.copy(os.path.join(fixtures, "base.tar"), os.path.join(d, "base.tar"))

        run(["-q", "render", doc])
        lock_file = os.path.join(d, "paper.waybill.lock")
        check("the front matter's `waybill: {lock: true}` writes the lock", os.path.exists(lock_file))
        lock = json.load(open(lock_file))
        names = [s["name"] for s in lock["steps"]]
        check("the lock has every cell, the image and its base, and the input",
              names == ["cell/greet", "cell/data", "cell/timing", "cell/approx", "cell/noisy", "cell/fragile"] and
              "changing:base" in lock["images"]["env"]["bases"] and "data.txt" in lock["inputs"], lock)
        check("the lock keeps normalised text outputs",
              lock["steps"][0]["outputs"][0] == {"kind": "stdout", "text": "hello world",
                                                 "digest": lock["steps"][0]["outputs"][0]["digest"]}, lock["steps"][0])

        st = json.load(open(os.path.join(d, "paper.provenance.json")))
        base = {r["name"]: r for r in st["predicate"]["buildDefinition"]["resolvedDependencies"]}["base/changing:base"]
        archive_digest = hashlib.sha256(open(os.path.join(d, "base.tar"), "rb").read()).hexdigest()
        check("the record names a base loaded from an archive, with the archive's file and digest",
              base["annotations"]["obtainedBy"] == "archive" and
              base["annotations"]["archive"]["path"].endswith("base.tar") and
              base["annotations"]["archive"]["digest"] == "sha256:" + archive_digest,
              base)

        # A deterministic document (random numbers covered by ignore and tolerance) passes.
        junit_file = os.path.join(work, "junit.xml")
        p = run(["check", doc, "--junit", junit_file])
        v = verdicts(p.stdout)
        check("a deterministic document passes check",
              all(v[n] == "passed" for n in ("image/env", "input/data.txt", "cell/greet", "cell/data", "cell/timing",
                                            "cell/approx", "cell/fragile")) and v["cell/noisy"] == "skipped", p.stdout)
        counts, cases = junit(junit_file)
        check("the JUnit file parses and counts every cell, the image and the input",
              counts == {"tests": 8, "failures": 0, "errors": 0, "skipped": 1} and "cell/greet" in cases, counts)

        # The record: schemas, signature, tampering.
        record = os.path.join(d, "paper.provenance.json")
        p = subprocess.run([sys.executable, validator, schemas, record], capture_output=True, text=True)
        if p.returncode == 77:  # the validator's skip: python3-jsonschema is missing
            print(p.stdout + p.stderr, end="")
            sys.exit(77)
        check("the record validates against the in-toto Statement and SLSA v1 schemas", p.returncode == 0,
              p.stdout + p.stderr)
        broken = json.load(open(record))
        broken["subject"][0]["digest"]["sha256"] = "not-hex"
        del broken["predicate"]["buildDefinition"]["buildType"]
        json.dump(broken, open(os.path.join(work, "broken.json"), "w"))
        p = subprocess.run([sys.executable, validator, schemas, os.path.join(work, "broken.json")],
                           capture_output=True, text=True)
        check("the schemas reject a record with a bad digest and no buildType",
              p.returncode == 1 and "not-hex" in p.stdout and "buildType" in p.stdout, p.stdout)

        run(["key", "generate"], cwd=work)
        run(["key", "generate", "-o", "other"], cwd=work)
        key, pub, other = (os.path.join(work, f) for f in ("waybill-key.pem", "waybill-key.pub.pem", "other.pub.pem"))
        check("the private key is mode 0600", os.stat(key).st_mode & 0o777 == 0o600)
        os.makedirs(os.path.join(d, "paper_files", "old"), exist_ok=True)
        open(os.path.join(d, "paper_files", "old", "stale.txt"), "w").write("left by an earlier render\n")
        run(["-q", "render", doc, "--sign", key])
        p = subprocess.run([sys.executable, validator, schemas, record], capture_output=True, text=True)
        check("the signed record is a valid DSSE envelope around a valid statement", p.returncode == 0, p.stdout)
        p = run(["verify", record, "--key", pub, "--outputs"])
        check("verify accepts the untouched record and outputs", "signature good" in p.stdout, p.stdout)
        subjects = [s["name"] for s in json.loads(base64.b64decode(json.load(open(record))["payload"]))["subject"]]
        check("the record's subjects are what this render wrote, not a file an earlier one left",
              "paper.html" in subjects and "paper_files/waybill.css" in subjects and
              not any("stale" in n for n in subjects), subjects)

        env = json.load(open(record))
        payload = base64.b64decode(env["payload"])
        pae = b"DSSEv1 %d %s %d %s" % (len(env["payloadType"]), env["payloadType"].encode(), len(payload), payload)
        open(os.path.join(work, "pae"), "wb").write(pae)
        open(os.path.join(work, "sig"), "wb").write(base64.b64decode(env["signatures"][0]["sig"]))
        p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
                            "-in", os.path.join(work, "pae"), "-sigfile", os.path.join(work, "sig")],
                           capture_output=True, text=True)
        check("OpenSSL's own pkeyutl verifies the DSSE signature", p.returncode == 0, p.stdout + p.stderr)

        html = os.path.join(d, "paper.html")
        pristine = open(html, "rb").read()
        flipped = bytearray(pristine)
        flipped[len(flipped) // 2] ^= 1
        open(html, "wb").write(bytes(flipped))
        p = run(["verify", record, "--key", pub, "--outputs"], expect=1)
        check("one changed byte in the HTML is named", "paper.html: changed" in p.stderr, p.stderr)
        open(html, "wb").write(pristine[:100])
        p = run(["verify", record, "--key", pub, "--outputs"], expect=1)
        check("a truncated HTML file is named", "paper.html: truncated: 100 bytes" in p.stderr, p.stderr)
        open(html, "wb").write(pristine)
        run(["verify", record, "--key", pub, "--outputs"])

        signed = open(record, "rb").read()
        p = run(["verify", record, "--key", other], expect=1)
        check("a wrong key is named", "signed by key sha256:" in p.stderr and "other.pub.pem" in p.stderr, p.stderr)
        env = json.loads(signed)
        statement = json.loads(base64.b64decode(env["payload"]))
        statement["subject"][0]["digest"]["sha256"] = "0" * 64
        env["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
        open(record, "w").write(json.dumps(env))
        p = run(["verify", record, "--key", pub], expect=1)
        check("a changed record is named", "changed after signing" in p.stderr, p.stderr)
        open(record, "wb").write(signed[: len(signed) // 2])
        p = run(["verify", record, "--key", pub], expect=1)
        check("a truncated record is named, at its line", "the record is truncated" in p.stderr and
              "paper.provenance.json:" in p.stderr, p.stderr)
        open(record, "wb").write(signed)

        # A changed input: the input and the cell that reads it.
        open(os.path.join(d, "data.txt"), "w").write("one,three\n")
        p = run(["check", doc, "--junit", junit_file], expect=4)
        v = verdicts(p.stdout)
        check("a changed input is reported, with the cell it changed and a diff",
              v["input/data.txt"] == "drifted" and v["cell/data"] == "drifted" and v["cell/greet"] == "passed" and
              "-one,two" in p.stdout and "+one,three" in p.stdout, p.stdout)
        counts, cases = junit(junit_file)
        check("the JUnit file counts the two drifts as failures",
              counts["failures"] == 2 and cases["cell/data"].find("failure") is not None, counts)
        open(os.path.join(d, "data.txt"), "w").write("one,two\n")

        # Planted nondeterminism: the current time, locked and then checked.
        open(doc, "a").write(CLOCK)
        run(["-q", "render", doc, "--lock"])
        p = run(["check", doc], expect=4)
        v = verdicts(p.stdout)
        check("planted nondeterminism fails check and names the cell",
              v["cell/clock"] == "drifted" and "paper.md:" in p.stdout and
              all(v[n] == "passed" for n in ("cell/greet", "cell/data")), p.stdout)
        open(doc, "w").write(DOC)
        run(["-q", "render", doc, "--lock"])

        # A cell that fails now but did not when locked.
        open(os.path.join(d, "break-me"), "w").write("")
        p = run(["check", doc, "--junit", junit_file], expect=4)
        counts, cases = junit(junit_file)
        check("a failing cell is reported as failed, an error in JUnit",
              verdicts(p.stdout)["cell/fragile"] == "failed" and counts["errors"] == 1 and
              cases["cell/fragile"].find("error") is not None, p.stdout)
        os.remove(os.path.join(d, "break-me"))

        # A changed base. In the store: the next check builds on it.
        dockerfile = os.path.join(work, "Dockerfile")
        open(dockerfile, "w").write("FROM changing:base\nLABEL changed=yes\n")
        run(["-q", "build", "-t", "changing:base", "-f", dockerfile, work])
        p = run(["check", doc], expect=4)
        v = verdicts(p.stdout)
        check("a changed base in the store is reported on the image, naming the base",
              v["image/env"] == "drifted" and "its base changing:base changed" in p.stdout, p.stdout)
        # Through the manifest's archive: check uses the store's base; --rebuild loads it again.
        run(["-q", "image", "load", "-i", os.path.join(fixtures, "base.tar")])
        run(["-q", "image", "tag", "debian-base:test", "changing:base"])
        run(["check", "-q", doc])
        changed_tar = os.path.join(work, "changed.tar")
        run(["-q", "build", "-t", "changing:base2", "-f", dockerfile, work])
        run(["-q", "image", "save", "changing:base2", "-o", changed_tar])
        shutil.copy(changed_tar, os.path.join(d, "base.tar"))
        run(["check", "-q", doc])
        p = run(["check", "--rebuild", doc], expect=4)
        check("check --rebuild obtains the base again from its recipe, and reports the change",
              "its base changing:base changed" in p.stdout, p.stdout)

        # No lock: a clear usage error.
        os.remove(lock_file)
        p = run(["check", doc], expect=2)
        check("checking without a lock says how to make one", "no lock file" in p.stderr and "--lock" in p.stderr,
              p.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("all check tests passed")


if __name__ == "__main__":
    main()
