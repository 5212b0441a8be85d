#!/usr/bin/env bash
# Escape regressions, each attempted for real and shown to fail.
source "$(dirname "$0")/box_lib.sh"

# CVE-2024-21626: a host directory fd leaked into the runtime, reached through a working
# directory of /proc/self/fd/N before the command starts.
exec 7< /
for dir in /proc/self/fd/7 /proc/self/fd/7/etc /proc/1/cwd /proc/self/cwd; do
  box 125 -w "$dir" "$img" pwd
  contains "$err" "does not lie inside the box"
done
box 0 "$img" sh -c 'ls /proc/self/fd | tr "\n" " "; echo; for f in /proc/1/fd/* /proc/1/cwd /proc/1/root; do
    readlink "$f" > /dev/null 2>&1 && echo "followed $f"; done; echo done'
[ "$(sed -n 1p <<< "$out")" = "0 1 2 3 " ] || fail "fds reached the box: $out"
lacks "$out" "followed"
exec 7<&-
pass "CVE-2024-21626: a leaked fd is not reachable as the working directory, nor at all"

# CVE-2019-5736: the runtime's binary, reached through /proc, overwritten from inside.
before=$(sha256sum "$waybill" | cut -d' ' -f1)
box 0 "$img" sh -c 'for p in /proc/[0-9]*/exe; do
    readlink "$p" > /dev/null 2>&1 && echo "readable $p"
    { echo overwritten >> "$p"; } 2> /dev/null && echo "written $p"
  done; cat /proc/1/exe > /dev/null 2>&1 || echo "refused"'
lacks "$out" "/proc/1/exe"
contains "$out" "refused"
# The first command of a box is a script whose interpreter is /proc/self/exe: the
# kernel runs waybill's binary inside the box, which can reach nothing from there.
mkdir -p "$work/evil"
printf '#!/proc/self/exe --version\n' > "$work/evil/run"
chmod +x "$work/evil/run"
# (waybill's CLI refuses the script's path as an argument; a sanitizer build cannot
# even load, lacking its runtime library in the image.)
set +e
"$waybill" run -v "$work/evil:/evil:ro" "$img" /evil/run 2> "$work/stderr"
code=$?
set -e
grep -qE "Run with --help|libasan" "$work/stderr" || fail "the script's interpreter was not waybill: $(cat "$work/stderr")"
[ "$code" = 2 ] || [ "$code" = 127 ] || fail "unexpected exit $code"
box 0 -v "$work/evil:/evil:ro" "$img" sh -c 'cp /bin/true /proc/self/exe 2>&1 || true; cp /bin/true /proc/1/exe 2>&1 || true'
contains "$out" "/proc/1/exe"
[ "$(sha256sum "$waybill" | cut -d' ' -f1)" = "$before" ] || fail "the waybill binary changed"
pass "CVE-2019-5736: the waybill binary cannot be reached or written"

# A rootfs whose /proc (or /dev, /sys) is a symlink out of it.
for dir in proc dev sys; do
  rm -rf "$work/rootfs"
  tiny_rootfs "$work/rootfs"
  mkdir -p "$work/rootfs/proc" "$work/rootfs/dev" "$work/rootfs/sys"
  rm -rf "${work:?}/rootfs/$dir"
  ln -s "$work/host-$dir" "$work/rootfs/$dir"
  mkdir -p "$work/host-$dir"
  "$waybill" image import -q "$work/rootfs" "evil-$dir:test" > /dev/null
  box 125 "evil-$dir:test" /bin/sh -c 'echo inside'
  contains "$err" "\`/$dir\` in the image is a symlink"
  [ -z "$(ls -A "$work/host-$dir")" ] || fail "something was mounted or written at the host's $work/host-$dir"
  "$waybill" image rm "evil-$dir:test" > /dev/null
done
pass "a rootfs whose /proc, /dev or /sys is a symlink is refused"

# A bind-mount target that is a symlink to a host path: the mount lands inside the box.
rm -rf "$work/rootfs"
tiny_rootfs "$work/rootfs"
mkdir -p "$work/victim" "$work/src"
echo untouched > "$work/victim/file"
echo from-src > "$work/src/file"
ln -s "$work/victim" "$work/rootfs/data"
ln -s "../../../../../../../..$work/victim" "$work/rootfs/rel"
"$waybill" image import -q "$work/rootfs" evil-mount:test > /dev/null
box 0 -v "$work/src:/data" -v "$work/src:/rel" evil-mount:test /bin/sh -c 'read line < /data/file; echo "$line"; read line < /rel/file; echo "$line"'
[ "$out" = "from-src
from-src" ] || fail "the mounts are not where the box sees them: $out"
[ "$(cat "$work/victim/file")" = untouched ] || fail "the host's directory was written"
! grep -q " $work/victim " /proc/self/mountinfo || fail "a mount appeared on the host at $work/victim"
"$waybill" image rm evil-mount:test > /dev/null
pass "a bind-mount target that is a symlink resolves inside the box"
"$waybill" image prune > /dev/null
no_leftovers
