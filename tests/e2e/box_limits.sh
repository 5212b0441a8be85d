#!/usr/bin/env bash
# Limits: memory, pids, cpu through cgroups, and the timeout that ends a whole box.
source "$(dirname "$0")/box_lib.sh"

# These need no cgroup: they hold wherever a box runs (rootless without delegation too).
start=$(date +%s)
box 124 --timeout 1s "$img" sh -c 'while :; do :; done'
[ $(( $(date +%s) - start )) -lt 30 ] || fail "the timeout did not end the loop"
box 124 --timeout 1s "$img" sh -c 'sleep 100 & sleep 100 & wait'
pass "an endless loop, and its children, end at the timeout"

box 0 --ulimit nofile=64:128 "$img" sh -c 'ulimit -n; ulimit -Hn'
[ "$out" = "64
128" ] || fail "--ulimit nofile=64:128 gave: $out"
box 125 --ulimit nofile=99999999999 "$img" true
contains "$err" "--ulimit can only lower a limit"
pass "rlimits can be lowered, never raised"

need_limits

box 137 --memory 64m "$img" perl -e '$x = "a" x (300 * 1024 * 1024); print "survived\n"'
lacks "$out" "survived"
contains "$err" "ran out of memory (--memory 64 MiB)"
box 0 --memory 256m "$img" perl -e '$x = "a" x (32 * 1024 * 1024); print "fits\n"'
contains "$out" "fits"
pass "a memory hog is stopped and reported as out of memory"

# Each child sleeps, so they all count against the limit at once.
box 0 --pids 16 "$img" perl -e 'my $n = 0; for (1 .. 100) { my $p = fork(); last unless defined $p;
  if (!$p) { sleep 30; exit } $n++ } print "$n\n"'
[ "$out" -lt 16 ] && [ "$out" -gt 5 ] || fail "--pids 16 let $out children start"
box 124 --pids 64 --timeout 3s "$img" perl -e 'fork while 1'
contains "$err" "ran longer than --timeout 3s"
box 0 "$img" true
pass "a fork bomb is contained by the pids limit and ended by the timeout"

# The cpu quota is written where the machine keeps its cpu controller: cgroup v2's
# waybill/, or on v1 beneath the cgroup waybill runs in, however deep that is.
"$waybill" run --cpus 0.5 "$img" sleep 3 &
pid=$!
quota=
for _ in $(seq 40); do
  quota=$(find /sys/fs/cgroup -path '*/waybill-*/*' \( -name cpu.cfs_quota_us -o -name cpu.max \) \
    -exec cat {} + 2> /dev/null | head -1 || true)
  [ -n "$quota" ] && break
  sleep 0.1
done
wait "$pid"
[ "${quota%% *}" = 50000 ] || fail "--cpus 0.5 should give a quota of 50000us per 100000us, found '$quota'"
pass "--cpus sets the cpu quota"

no_leftovers
pass "every cgroup was removed"
