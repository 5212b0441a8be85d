#!/usr/bin/env python3
"""Seed corpora for the fuzz targets whose inputs are binary or built: tar layers, image
archives, registry JSON and driver replies. Made afresh into DIR/<target>/ each run; the
text targets are seeded from the test documents themselves (tests/fuzz/run.sh).

usage: make_seeds.py DIR
"""
import hashlib
import io
import json
import os
import sys
import tarfile


def write(target, name, data):
    d = os.path.join(sys.argv[1], target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def tar_of(entries, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, kind, data in entries:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, data
                t.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, data
                t.addfile(info)
    return buf.getvalue()


layer = tar_of([("etc", "dir", b""), ("etc/os-release", "file", b"ID=fuzz\n"), ("bin", "symlink", "usr/bin"),
                ("etc/.wh.old", "file", b""), ("etc/hosts", "hardlink", "etc/os-release")])
write("tar", "plain.tar", layer)
write("tar", "gzip.tar.gz", tar_of([("a", "file", b"x" * 100)], "w:gz"))
write("tar", "hostile.tar", tar_of([("../escape", "file", b"x"), ("/abs", "file", b"y"), ("l", "symlink", "/etc")]))

config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": "sha256:" + hashlib.sha256(config).hexdigest(), "size": len(config)},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                   "digest": "sha256:" + hashlib.sha256(layer).hexdigest(), "size": len(layer)}]}).encode()
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                   "digest": "sha256:" + hashlib.sha256(manifest).hexdigest(), "size": len(manifest),
                                   "annotations": {"org.opencontainers.image.ref.name": "fuzz:1"},
                                   "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
for name, data in (("config.json", config), ("manifest.json", manifest), ("index.json", index)):
    write("registry_json", name, data)
write("registry_json", "challenge-bearer", 'Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"')
write("registry_json", "challenge-basic", 'Basic realm="registry"')

blobs = [(f"blobs/sha256/{hashlib.sha256(b).hexdigest()}", "file", b) for b in (layer, config, manifest)]
write("archive", "oci.tar", tar_of([("oci-layout", "file", b'{"imageLayoutVersion": "1.0.0"}'),
                                    ("index.json", "file", index)] + blobs))
docker_manifest = json.dumps([{"Config": "config.json", "RepoTags": ["fuzz:1"], "Layers": ["layer.tar"]}]).encode()
write("archive", "docker.tar", tar_of([("manifest.json", "file", docker_manifest), ("config.json", "file", config),
                                       ("layer.tar", "file", layer)]))


def frame(body):
    body = body if isinstance(body, bytes) else body.encode()
    return b"%d\n" % len(body) + body


reply = {"id": 0, "outputs": [{"type": "stream", "name": "stdout", "text": "hi\n"},
                              {"type": "result", "data": {"text/plain": "1", "text/html": "<b>1</b>"}},
                              {"type": "figure", "format": "png", "data": "iVBORw0KGgo="}],
         "error": {"ename": "ValueError", "evalue": "x", "traceback": "tb", "line": 12}, "seconds": 0.1}
write("driver_reply", "json", b"\x00" + frame(json.dumps(reply)))
write("driver_reply", "shell", b"\x01" + frame("1 3 2\nout\ner"))
write("driver_reply", "fields", b"\x02" + frame(json.dumps(dict(reply, error=None))))
