#!/usr/bin/env bash
# Pulling and pushing the Debian base through a local registry (the distribution
# registry over TLS with htpasswd, started by tests/e2e/registry_harness.py on
# 127.0.0.1): `waybill image pull` and `image push` side by side with skopeo and podman,
# in interleaved rounds, medians. Every pull starts from an empty store (an empty
# WAYBILL_HOME, an empty OCI layout, an empty podman root); every push goes to an
# emptied registry, so that no client can skip or cross-mount a blob the registry
# already has. Needs root (podman with its own storage), the base fixture, the
# registry (apt-get install docker-registry apache2-utils), skopeo and podman.
#
# usage: [RUNS=5] bench/registry.sh [WAYBILL]     (default build/bin/waybill)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
waybill=$(realpath "${1:-${WAYBILL:-$root/build/bin/waybill}}")
runs=${RUNS:-5}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "podman runs with its own storage, as root: run as root"; exit 3; }
for tool in docker-registry htpasswd skopeo podman; do
  command -v $tool > /dev/null ||
    { echo "install $tool (apt-get install docker-registry apache2-utils skopeo podman)"; exit 3; }
done
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/oci_fixture.sh" "$waybill" "$fixtures" > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$waybill" "$fixtures/base.tar" "$work" "$runs" "$root" <<'PY'
import atexit, datetime, json, os, platform, shutil, statistics, subprocess, sys, time
waybill, base_tar, work, runs, root = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, os.path.join(root, "tests", "e2e"))
sys.path.insert(0, os.path.join(root, "bench", "lib"))
from registry_harness import (Registry, podman_cleanup, podman_cmd, podman_creds, write_auth_file,
                              write_registries_conf)
from results import write_section

BASE = "docker.io/library/debian-base:test"
reg = Registry(os.path.join(work, "registry")).start()
atexit.register(reg.stop)  # the registry is a process of its own: never leave it running
common_env = {
    "WAYBILL_REGISTRIES": write_registries_conf(os.path.join(work, "registries.json"),
                                                {reg.host: {"ca": [reg.ca_file]}}),
    "REGISTRY_AUTH_FILE": write_auth_file(os.path.join(work, "auth.json"), {reg.host: (reg.user, reg.password)}),
}
src_home = os.path.join(work, "wb-src")
src_layout = f"oci:{src_home}/store:{BASE}"
pulled = f"{reg.host}/bench/debian:1"
pushed = f"{reg.host}/bench/pushed:1"
creds = f"{reg.user}:{reg.password}"


def run(argv, **extra_env):
    # os.environ at the time of the call: podman_cmd sets CONTAINERS_CONF in it.
    p = subprocess.run(argv, env=dict(os.environ, **common_env, **extra_env), capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr}")
    return p.stdout


def emptied(path):
    shutil.rmtree(path, ignore_errors=True)


def fresh_registry():
    """Push runs start from empty storage: nothing to skip, nothing to mount from."""
    reg.stop()
    emptied(reg.storage_dir)
    reg.start()


# label -> (prepare, argv, extra environment)
pod_pull_dir = os.path.join(work, "pod-pull")
pod_pull = podman_cmd(pod_pull_dir)
atexit.register(podman_cleanup, pod_pull_dir)  # unmounts its overlays before the work dir goes
pulls = {
    "waybill": (lambda: emptied(os.path.join(work, "wb-pull")), [waybill, "-q", "image", "pull", pulled],
                {"WAYBILL_HOME": os.path.join(work, "wb-pull")}),
    "skopeo": (lambda: emptied(os.path.join(work, "sk-pull")),
               ["skopeo", "copy", "-q", "--src-cert-dir", reg.certs_dir, "--src-creds", creds,
                f"docker://{pulled}", f"oci:{work}/sk-pull:x"], {}),
    "podman": (lambda: podman_cleanup(pod_pull_dir), pod_pull + ["pull", "-q", *podman_creds(reg), pulled], {}),
}
pod_src_dir = os.path.join(work, "pod-src")
pod_src = podman_cmd(pod_src_dir)
atexit.register(podman_cleanup, pod_src_dir)
pushes = {
    "waybill": (fresh_registry, [waybill, "-q", "image", "push", "debian-base:test", pushed],
                {"WAYBILL_HOME": src_home}),
    "skopeo": (fresh_registry, ["skopeo", "copy", "-q", "--dest-cert-dir", reg.certs_dir, "--dest-creds", creds,
                                src_layout, f"docker://{pushed}"], {}),
    "podman": (fresh_registry, pod_src + ["push", "-q", *podman_creds(reg), BASE, f"docker://{pushed}"], {}),
}


def measure(commands):
    """Interleaved rounds after one untimed round (which also proves every command
    works): median milliseconds per label."""
    times = {label: [] for label in commands}
    for r in range(runs + 1):
        for label, (prepare, argv, extra) in commands.items():
            prepare()
            start = time.perf_counter()
            run(argv, **extra)
            if r:
                times[label].append(time.perf_counter() - start)
    return {label: statistics.median(t) * 1000 for label, t in times.items()}


run([waybill, "-q", "image", "load", base_tar], WAYBILL_HOME=src_home)
size_mb = json.loads(run([waybill, "image", "inspect", "debian-base:test"], WAYBILL_HOME=src_home))[0]["Size"] / 1e6
run(pod_src + ["load", "-q", "-i", base_tar])
# The image to pull, pushed once with its blobs as waybill stores them.
run(["skopeo", "copy", "-q", "--preserve-digests", "--dest-cert-dir", reg.certs_dir, "--dest-creds", creds,
     src_layout, f"docker://{pulled}"])
pull = measure(pulls)
push = measure(pushes)

version = lambda argv: subprocess.run(argv, capture_output=True, text=True).stdout.split("\n")[0]
row = lambda what, m: (f"| {what} | {m['waybill']:.0f} ms | {m['skopeo']:.0f} ms | {m['podman']:.0f} ms "
                       f"| {m['waybill'] / m['skopeo']:.2f} | {m['waybill'] / m['podman']:.2f} |")

def verdict(what, m):
    fastest = min(("skopeo", "podman"), key=lambda peer: m[peer])
    ratio = m["waybill"] / m[fastest]
    word = "faster than" if ratio < 1 else "slower than"
    return f"{what}: waybill is {word} the fastest peer ({fastest}), at {ratio:.2f}x its time"


section = f"""<!-- registry:begin -->
## Pulling and pushing (issue 8)

`bench/registry.sh`: the Debian base (one layer, {size_mb:.0f} MB as stored) pulled from and
pushed to a local registry ({version(["docker-registry", "--version"]).split()[-1]}, the CNCF distribution registry,
over TLS with htpasswd) on 127.0.0.1; medians of {runs} interleaved rounds on
{platform.node()} ({datetime.date.today()}). The last two columns are waybill's time over
the peer's: under 1 means waybill is faster.

| | waybill | skopeo | podman | waybill / skopeo | waybill / podman |
|:--|--:|--:|--:|--:|--:|
{row("pull, into an empty store", pull)}
{row("push, to an emptied registry", push)}

{verdict("Pull", pull)}; {verdict("push", push)} (target: at least as fast as the fastest).

Pulls: `waybill image pull` into an empty WAYBILL_HOME; `skopeo copy docker://… oci:DIR:x`
into an empty layout (blobs only, like waybill's store); `podman pull` into an empty
`--root`, which also unpacks the layer into its overlay storage. Pushes: waybill and
skopeo (`oci:` on waybill's store) send the stored compressed blobs; podman keeps layers
uncompressed and compresses the layer again as it pushes. Before each push the
registry's storage is emptied and the registry restarted (untimed), so that every
client uploads every blob. Versions: {version(["skopeo", "--version"])}, {version(["podman", "--version"])}.
<!-- registry:end -->"""
write_section(os.path.join(root, "bench", "RESULTS.md"), "registry", section)
PY
