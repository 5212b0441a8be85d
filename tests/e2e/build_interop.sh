#!/usr/bin/env bash
# waybill build against podman build: an image waybill builds runs in podman, and the
# same Dockerfile built by both gives the same final root: paths, types, modes, owners,
# contents and link targets (timestamps aside).
source "$(dirname "$0")/build_lib.sh"
command -v podman > /dev/null || { echo "SKIP: podman is not installed"; exit 77; }
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf
# A podman store of the test's own, so nothing of the machine's is touched.
podman_() { podman --root "$work/podman-root" --runroot "$work/podman-run" --runtime runc "$@"; }
trap 'podman_ system reset -f > /dev/null 2>&1 || true; umount -l "$work/podman-root/overlay" 2> /dev/null || true; rm -rf "$work"' EXIT
podman_ load -q -i "$fixtures/base.tar" > /dev/null

ctx=$work/ctx
mkdir -p "$ctx/tree/sub" "$work/arch/pkg"
echo "config" > "$ctx/tree/app.conf"
echo "nested" > "$ctx/tree/sub/nested.txt"
chmod 600 "$ctx/tree/sub/nested.txt"
ln -s app.conf "$ctx/tree/link.conf"
echo "from the archive" > "$work/arch/pkg/readme"
tar -C "$work/arch" --owner=0 --group=0 -cf "$ctx/pkg.tar" pkg
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
ENV APP_HOME=/opt/app
WORKDIR $APP_HOME/work
COPY tree/ ./tree/
COPY --chown=nobody:nogroup --chmod=751 tree/app.conf /etc/app.conf
ADD pkg.tar /opt/
RUN mkdir -p /var/data && echo state > /var/data/state && chown daemon:daemon /var/data/state \
 && ln -s /var/data/state /opt/app/state-link && rm -rf /usr/share/doc/apt && echo kept > /tmp/kept
RUN mkdir /opt/app/gone && rm -r /opt/app/gone && chmod 4755 /opt/app/work && truncate -s 0 /etc/motd
USER nobody
RUN test -w /tmp
CMD ["cat", "/etc/app.conf"]
DOCKERFILE

build 0 -t interop:waybill "$ctx"
"$waybill" image save -o "$work/waybill.tar" interop:waybill
podman_ load -q -i "$work/waybill.tar" > /dev/null
out=$(podman_ run --rm --network=none docker.io/library/interop:waybill 2>&1) || fail "podman cannot run waybill's image: $out"
[ "$out" = config ] || fail "podman ran waybill's image and printed: $out"
pass "an image built by waybill runs in podman"

sed 's|^FROM debian-base:test|FROM docker.io/library/debian-base:test|' "$ctx/Dockerfile" > "$work/Dockerfile.podman"
podman_ build -q -f "$work/Dockerfile.podman" -t interop:podman "$ctx" > /dev/null
for who in waybill podman; do
  name=docker.io/library/interop:waybill
  [ $who = podman ] && name=localhost/interop:podman
  id=$(podman_ create "$name")
  podman_ export -o "$work/$who-root.tar" "$id"
  podman_ rm "$id" > /dev/null
done
/usr/bin/python3 - "$work/waybill-root.tar" "$work/podman-root.tar" <<'PY'
import hashlib, sys, tarfile
# Files the container engine itself puts in every container, not the build.
runtime = {"run/.containerenv", "etc/hostname", "etc/hosts", "etc/resolv.conf"}
def tree(path):
    out = {}
    with tarfile.open(path) as t:
        for m in t:
            name = m.name.lstrip("./").rstrip("/")
            if not name or name in runtime:
                continue
            data = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isfile() else ""
            out[name] = (m.type, oct(m.mode), m.uid, m.gid, m.linkname, data)
    return out
a, b = tree(sys.argv[1]), tree(sys.argv[2])
problems = []
for name in sorted(set(a) | set(b)):
    if name not in a:
        problems.append(f"only podman has {name}: {b[name]}")
    elif name not in b:
        problems.append(f"only waybill has {name}: {a[name]}")
    elif a[name] != b[name]:
        problems.append(f"{name}: waybill {a[name]} podman {b[name]}")
print(f"{len(a)} entries compared")
if problems:
    print("\n".join(problems[:40]))
    sys.exit(1)
PY
pass "the same Dockerfile built by waybill and by podman gives the same file tree"
