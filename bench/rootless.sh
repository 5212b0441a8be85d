#!/usr/bin/env bash
# Rootless (issue 20), as an ordinary user this script makes (and removes):
#  - a box running `true` on the Debian base: `waybill run` against `bwrap --unshare-all`
#    on the same unpacked root and rootless podman (runc) on the same image, interleaved;
#  - the flagship render from a warm store (every cell cached): the user's against root's.
# Every command runs through the same `setpriv` prefix (root's too), so the prefix costs
# all of them alike. Needs root (to make the user), mmdebstrap, bwrap, podman, uidmap.
#
# usage: bench/rootless.sh [RUNS]     (default 100; podman runs a tenth as often)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-100}
waybill=${WAYBILL:-$root/build/bin/waybill}
[ -x "$waybill" ] || { echo "build waybill first: ./quickstart.sh test"; exit 3; }
[ "$(id -u)" = 0 ] || { echo "the benchmark makes a user: run as root"; exit 3; }
for tool in bwrap podman newuidmap; do
  command -v $tool > /dev/null || { echo "install $tool (apt-get install bubblewrap podman uidmap)"; exit 3; }
done
fixtures=$root/build/test-fixtures
bash "$root/tests/e2e/oci_fixture.sh" "$waybill" "$fixtures" > /dev/null

user=wbbench$$
useradd -m "$user"
home=$(getent passwd "$user" | cut -d: -f6)
uid=$(id -u "$user")
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  runuser -u "$user" -- podman system reset -f > /dev/null 2>&1 || true
  pkill -u "$user" > /dev/null 2>&1 || true
  userdel -r "$user" > /dev/null 2>&1 || true
  rm -rf "$work" "/run/user/$uid"
}
trap cleanup EXIT
mkdir -p "/run/user/$uid" && chown "$user:" "/run/user/$uid" && chmod 700 "/run/user/$uid"
cp "$fixtures/base.tar" "$work/base.tar"
chmod 644 "$work/base.tar"
# as_user CMD...: the prefix every measured command gets.
as_user=(setpriv --reuid="$uid" --regid="$uid" --init-groups env HOME="$home" XDG_RUNTIME_DIR="/run/user/$uid"
  WAYBILL_HOME="$home/store")
as_root=(setpriv --reuid=0 --regid=0 --init-groups env)
(cd "$home" && "${as_user[@]}" "$waybill" -q image load -i "$work/base.tar" > /dev/null)
(cd "$home" && "${as_user[@]}" "$waybill" -q run debian-base:test true)  # unpacks once
layer=$(dirname "$(find "$home/store/layers/sha256" -mindepth 2 -maxdepth 2 -name etc -type d | head -1)")
printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$work/containers.conf"
chmod 644 "$work/containers.conf"
podman_user=("${as_user[@]}" CONTAINERS_CONF="$work/containers.conf" podman --runtime runc)
(cd "$home" && "${podman_user[@]}" load -q -i "$work/base.tar" > /dev/null)
pod_image=docker.io/library/debian-base:test
(cd "$home" && "${podman_user[@]}" run --rm --network=none "$pod_image" true)

cd "$home"
fast=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs "$runs" \
  --label waybill -- "${as_user[@]}" "$waybill" run debian-base:test true \
  --label bwrap -- "${as_user[@]}" bwrap --unshare-all --bind "$layer" / --proc /proc --dev /dev true \
  --label root -- "${as_root[@]}" WAYBILL_HOME="$fixtures/base-home" "$waybill" run debian-base:test true \
  --label bwrap-root -- "${as_root[@]}" bwrap --unshare-all --bind "$layer" / --proc /proc --dev /dev true)
slow=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs $(( runs / 10 > 5 ? runs / 10 : 5 )) \
  --label podman -- "${podman_user[@]}" run --rm --network=none "$pod_image" true)

# The flagship from a warm store: rendered once by each (bootstrap, build, cells), then
# measured with every cell cached.
for who in user root; do
  mkdir -p "$work/$who"
  cp "$root/samples/paper/paper.md" "$root/samples/paper/references.bib" "$work/$who/"
done
chown -R "$user:" "$work/user"
(cd "$work/user" && "${as_user[@]}" "$waybill" -q render paper.md --to html)
(cd "$work/root" && "${as_root[@]}" WAYBILL_HOME="$work/root-home" "$waybill" -q render paper.md --to html)
warm=$(/usr/bin/python3 "$root/bench/lib/measure.py" --runs 15 \
  --label user -- sh -c "cd $work/user && exec ${as_user[*]} $waybill -q render paper.md --to html" \
  --label root -- sh -c "cd $work/root && exec ${as_root[*]} WAYBILL_HOME=$work/root-home $waybill -q render paper.md --to html")

/usr/bin/python3 - "$fast" "$slow" "$warm" "$runs" "$root/bench/RESULTS.md" <<'PY'
import datetime, json, os, platform, sys
fast, slow, warm = (json.loads(a) for a in sys.argv[1:4])
runs, results = sys.argv[4], sys.argv[5]
ms = lambda d, k: d[k]["median_s"] * 1000
w, b, p = ms(fast, "waybill"), ms(fast, "bwrap"), ms(slow, "podman")
wr, br = ms(fast, "root"), ms(fast, "bwrap-root")
u, r = ms(warm, "user"), ms(warm, "root")
section = f"""<!-- rootless:begin -->
## Rootless (issue 20)

`bench/rootless.sh`, as an ordinary user the script makes, on {platform.node()}
({datetime.date.today()}); every command through the same `setpriv` prefix. A box running
`true` on the Debian base, medians of {runs} interleaved rounds (podman:
{slow['podman']['runs']}):

| command, run by the user | median | waybill is |
|:--|--:|--:|
| `waybill run debian-base:test true` | {w:.2f} ms | |
| `bwrap --unshare-all --bind ROOTFS / --proc /proc --dev /dev true` | {b:.2f} ms | {b/w:.2f}x as fast |
| `podman --runtime runc run --rm --network=none IMAGE true` (rootless) | {p:.2f} ms | {p/w:.1f}x as fast |
| root's `waybill run debian-base:test true`, in the same rounds | {wr:.2f} ms | {wr/w:.2f}x as fast |
| root's `bwrap ...`, in the same rounds | {br:.2f} ms | {br/w:.2f}x as fast |

The flagship from a warm store (every cell cached), medians of 15 rounds:

| who | median | |
|:--|--:|--:|
| the user | {u:.1f} ms | {u/r:.2f}x root's |
| root | {r:.1f} ms | |

Targets: at or below bubblewrap ({"met" if w <= b else "missed"}), at least 20x faster
than rootless podman ({"met" if p / w >= 20 else "missed"}), the warm flagship within 10%
of root's ({"met" if u <= 1.10 * r else "missed"}).

A rootless waybill's first command enters a new user namespace: a fork, and `newuidmap`
and `newgidmap` (setuid helpers) writing the maps, about 13 ms on this machine. It leaves
a holder process in the namespace, and later commands join it with `setns` (well under
a millisecond), each in a mount namespace of its own. Past that, its box is root's box:
the same namespaces (less the user namespace, which waybill is already in), mounts,
seccomp and `pivot_root`; /dev's nodes are bind-mounted from the host, as bwrap does,
since a user cannot make them, which is most of why the user's box takes {w/wr:.2f}x
root's time. The rest of the distance to bubblewrap is the box itself, as for root
(bubblewrap mounts no overlay, masks nothing and loads no seccomp filter): root's
bwrap takes {br/wr:.2f}x root's waybill here, in the same rounds. The target is missed
until the box's own start gets cheaper, root's and the user's alike.
<!-- rootless:end -->"""
sys.path.insert(0, os.path.join(os.path.dirname(results), "lib"))
from results import write_section
write_section(results, "rootless", section)
print(section)
PY
