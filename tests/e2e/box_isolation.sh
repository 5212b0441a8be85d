#!/usr/bin/env bash
# What a box isolates: its own PID 1, hostname, network, file system, capabilities,
# seccomp profile and file descriptors; what it reports: exit codes and signals.
source "$(dirname "$0")/box_lib.sh"

# The orphan's pid stays in /proc until PID 1 reaps it: wait for that (up to 10 s), then
# count zombies.
box 0 "$img" sh -c 'cat /proc/1/comm; echo "me $$"; o=$(sh -c "sleep 0.1 & echo \$!"); i=0
  while [ -e "/proc/$o" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  grep -l "^[0-9]* ([a-z]*) Z" /proc/[0-9]*/stat | wc -l'
contains "$out" "waybill-init"
contains "$out" "me 2"
[ "$(tail -1 <<< "$out")" = 0 ] || fail "an orphan was left a zombie: $out"
pass "PID 1 is waybill's reaper, the command is PID 2, orphans are reaped"

box 0 "$img" sh -c 'hostname; cat /etc/hostname; grep -c "$(hostname)" /etc/hosts'
[ "$(sed -n 1p <<< "$out")" = "$(sed -n 2p <<< "$out")" ] || fail "hostname and /etc/hostname differ: $out"
grep -qE '^[0-9a-f]{12}$' <<< "$(sed -n 1p <<< "$out")" || fail "the default hostname is not the box id: $out"
box 0 --hostname lab1 "$img" hostname
[ "$out" = lab1 ] || fail "--hostname: $out"
pass "the hostname is the box's"

box 0 "$img" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
[ "$out" = lo ] || fail "network none should have only lo, got: $out"
if [ "$(ls /sys/class/net | wc -l)" -gt 1 ]; then
  box 0 --network host "$img" sh -c 'tail -n +3 /proc/net/dev | wc -l'
  [ "$out" -gt 1 ] || fail "--network host should see the host's interfaces"
fi
pass "network none has only lo; host shares the host's"

echo secret > "$work/host-marker"
box 1 "$img" test -e "$work/host-marker"
box 1 "$img" test -e /work
mkdir -p "$work/ro" "$work/rw"
box 1 -v "$work/ro:/ro:ro" "$img" touch /ro/x
contains "$err" "Read-only file system"
box 0 -v "$work/rw:/rw" -v "$work/ro:/deep/ro:ro" "$img" sh -c 'touch /rw/made && test -d /deep/ro'
[ -f "$work/rw/made" ] || fail "a read-write mount did not reach the host"
[ ! -e "$work/ro/x" ] || fail "a read-only mount was written"
pass "host files are invisible; read-only mounts refuse writes, read-write ones pass them"

box 0 "$img" grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
for want in "CapPrm:	00000000a80425fb" "CapEff:	00000000a80425fb" "CapBnd:	00000000a80425fb" \
            "CapInh:	0000000000000000" "CapAmb:	0000000000000000" "NoNewPrivs:	1" "Seccomp:	2"; do
  contains "$out" "$want"
done
box 0 -u nobody "$img" grep -E '^Cap(Eff|Bnd):' /proc/self/status
contains "$out" "CapEff:	0000000000000000"
contains "$out" "CapBnd:	00000000a80425fb"
pass "Docker's 14 capabilities (none for a non-root user), no_new_privs, seccomp"

# 272, 165 and 250 are unshare, mount and keyctl on x86_64 only.
if [ "$(uname -m)" = x86_64 ]; then
  box 0 "$img" perl -e 'for ([272, 0x10000000], [165, "none", "/mnt", "tmpfs", 0, 0], [250, 0, -3, 0]) {
    my ($n, @a) = @$_; my $r = syscall($n, @a); print "$n: ", ($r == -1 ? "$!" : "allowed"), "\n" }'
  contains "$out" "272: Operation not permitted"
  contains "$out" "165: Operation not permitted"
  contains "$out" "250: Operation not permitted"
else
  echo "skip: raw unshare, mount and keyctl syscalls (their numbers here are x86_64's; this is $(uname -m))"
fi
box 1 "$img" unshare --user --map-root-user true
contains "$err" "Operation not permitted"
pass "seccomp refuses unshare, mount and keyctl"

box 0 "$img" sh -c 'head -c 16 /proc/kcore | wc -c; ls /proc/acpi | wc -l; { echo 3 > /proc/sys/vm/drop_caches; } 2>&1 || true'
[ "$(sed -n 1p <<< "$out")" = 0 ] || fail "/proc/kcore is not masked"
[ "$(sed -n 2p <<< "$out")" = 0 ] || fail "/proc/acpi is not masked"
contains "$out" "Read-only file system"
box 0 "$img" sh -c 'ls /dev; echo x > /dev/full || echo full-refused; head -c 4 /dev/zero | wc -c; grep " /sys " /proc/self/mountinfo'
for dev in null zero full random urandom tty ptmx pts shm; do contains "$out" "$dev"; done
contains "$out" "full-refused"
contains "$out" " /sys ro,"
pass "/proc masks, a minimal /dev, /sys read-only"

exec 9< /etc/hostname
box 0 "$img" ls /proc/self/fd
[ "$(tr '\n' ' ' <<< "$out")" = "0 1 2 3 " ] || fail "fds beyond stdio reached the box: $out"
exec 9<&-
pass "only stdio reaches the command"

box 0 -e FOO=bar -e LANG -w /srv/work -u nobody "$img" sh -c 'echo "$FOO"; pwd; id -u; echo "$HOME"; echo "${PATH%%:*}"'
[ "$out" = "bar
/srv/work
65534
/nonexistent
/usr/local/sbin" ] || fail "env, workdir or user: $out"
pass "-e, -w and -u"

box 3 "$img" sh -c 'exit 3'
box 137 "$img" sh -c 'kill -KILL $$'
box 127 "$img" no-such-command
contains "$err" 'executable file not found in $PATH'
box 126 "$img" /etc/passwd
box 125 no-such-image:1 true
contains "$err" "no image"
"$waybill" run "$img" sh -c 'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done' > "$work/sig.out" &
pid=$!
for _ in $(seq 300); do grep -q ready "$work/sig.out" && break; sleep 0.1; done
if ! grep -q ready "$work/sig.out"; then
  kill -TERM "$pid" 2> /dev/null || true
  wait "$pid" || true
  fail "the box did not print ready within 30 s: $(cat "$work/sig.out")"
fi
kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" = 42 ] || fail "a forwarded SIGTERM should end the box with 42, got $code"
contains "$(cat "$work/sig.out")" "got TERM"
pass "exit codes (3, 128+9, 127, 126, 125) and forwarded signals"
# Boxes started together share nothing: each sees only what it wrote itself.
for i in 1 2 3 4; do
  "$waybill" run "$img" sh -c "echo $i > /etc/marker; sleep 0.3; cat /etc/marker" > "$work/par.$i" &
done
wait
for i in 1 2 3 4; do [ "$(cat "$work/par.$i")" = "$i" ] || fail "box $i saw another box's file: $(cat "$work/par.$i")"; done
box 1 "$img" test -e /etc/marker
pass "concurrent boxes have roots of their own, and writes die with their box"

no_leftovers
pass "nothing left behind"
