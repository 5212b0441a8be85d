#!/usr/bin/env bash
# The build cache: keyed by content, never by mtimes; a fully cached rebuild runs no
# RUN and packs no layer; a changed source reruns its step and the ones after it.
source "$(dirname "$0")/build_lib.sh"
ctx=$work/ctx
mkdir -p "$ctx/src"
echo one > "$ctx/src/data.txt"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
RUN echo first > /first
COPY src/ /src/
RUN cat /src/data.txt > /copied
ARG MODE=plain
RUN echo "$MODE" > /mode
DOCKERFILE
blobs() { find "$WAYBILL_HOME/store/blobs" -type f | wc -l; }

build 0 -t cached:1 "$ctx"
first=$out
before=$(blobs)
build 0 -t cached:1 "$ctx"
[ "$(grep -c CACHED <<< "$err")" = 5 ] || fail "every step (ARG included) cached on a rebuild: $err"
lacks "$err" "done in"
[ "$(blobs)" -le $((before + 2)) ] || fail "a cached rebuild packed layers: $(blobs) blobs, was $before"
pass "a fully cached rebuild runs nothing and packs no layer"

touch -d '2001-01-01' "$ctx/src/data.txt"
build 0 -t cached:2 "$ctx"
[ "$(grep -c CACHED <<< "$err")" = 5 ] || fail "an mtime change must not miss the cache: $err"
pass "mtimes are not part of the key"

echo two > "$ctx/src/data.txt"
build 0 -t cached:3 "$ctx"
contains "$err" "CACHED RUN echo first"
contains "$err" "] COPY src/ /src/"
contains "$err" "] RUN cat /src/data.txt"
box 0 --rm cached:3 cat /copied
[ "$out" = two ] || fail "the changed source: $out"
pass "changed content reruns its step and those after it, not those before"

build 0 -t cached:4 --build-arg MODE=fancy "$ctx"
[ "$(grep -c CACHED <<< "$err")" = 3 ] || fail "a different ARG value misses only where it is used: $err"
box 0 --rm cached:4 cat /mode
[ "$out" = fancy ] || fail "ARG value: $out"
pass "ARG values are part of the key from where they are declared"

build 0 -t cached:5 --no-cache "$ctx"
lacks "$err" "CACHED"
pass "--no-cache"

mkdir -p "$work/killed"
printf 'FROM debian-base:test\nRUN echo before > /before\nRUN sleep 37\n' > "$work/killed/Dockerfile"
"$waybill" build -q "$work/killed" > /dev/null 2>&1 &
pid=$!
# Polled, not timed: on a machine busy with other tests both may take a while.
for _ in $(seq 300); do pgrep -f "sleep 37" > /dev/null && break; sleep 0.1; done
kill -9 "$pid"
wait "$pid" 2> /dev/null || true
for _ in $(seq 300); do pgrep -f "sleep 37" > /dev/null || break; sleep 0.1; done
! pgrep -f "sleep 37" > /dev/null || fail "a killed build left its RUN running"
expect 0 image fsck
printf 'FROM debian-base:test\nRUN echo before > /before\nRUN echo after\n' > "$work/killed/Dockerfile"
build 0 "$work/killed"
contains "$err" "CACHED RUN echo before"
expect 0 image prune
contains "$out" "temporary"
expect 0 image fsck
pass "a build killed mid-RUN stops its box, leaves the store consistent, and the next build resumes from the cache"

expect 0 image prune --build-cache
contains "$out" "build cache entries"
build 0 "$work/killed"
lacks "$err" "CACHED"
pass "image prune --build-cache empties the build cache"

mkdir -p "$work/cmd"
printf 'FROM debian-base:test\nCMD ["hello"]\nRUN echo x > /x\nENTRYPOINT ["echo"]\n' > "$work/cmd/Dockerfile"
build 0 "$work/cmd"
first=$out
build 0 "$work/cmd"
contains "$err" "CACHED RUN echo x"
[ "$out" = "$first" ] || fail "a cached rebuild changed the image: $first then $out"
c=$(config "$out")
[ "$(field "$c" 'c["Config"]["Cmd"]')" = "['hello']" ] || fail "ENTRYPOINT after a cached step dropped this stage's CMD: $c"
pass "a cached step keeps what the stage set before it (CMD before ENTRYPOINT)"

# A name moved to a new build: what only the old image used goes at once (its unpacked
# layer); the blobs the build cache keeps stay, so that going back is a cache hit.
mkdir -p "$work/edit"
printf 'FROM debian-base:test\nRUN head -c 300000 /dev/urandom > /one\n' > "$work/edit/Dockerfile"
build 0 -t edited:latest "$work/edit"
old=$out
layers_before=$(find "$WAYBILL_HOME/layers/sha256" -mindepth 1 -maxdepth 1 | wc -l)
printf 'FROM debian-base:test\nRUN head -c 300000 /dev/urandom > /two\n' > "$work/edit/Dockerfile"
build 0 -t edited:latest "$work/edit"
contains "$err" "removed what the image's previous build alone used: 1 unpacked layers"
layers_after=$(find "$WAYBILL_HOME/layers/sha256" -mindepth 1 -maxdepth 1 | wc -l)
[ "$layers_after" = "$layers_before" ] || fail "the old image's unpacked layer stayed: $layers_before, then $layers_after"
expect 0 image df
contains "$out" "Unpacked layers"
grep -Eq '^Unpacked layers +[0-9]+ +[0-9.]+ [kMG]?B +0 B' <<< "$out" || fail "df: every unpacked layer is in use: $out"
grep -Eq '^Build cache +[0-9]+ +[0-9.]+ kB' <<< "$out" || fail "df: the old step's blob is the build cache's: $out"
expect 0 image df --json
[ "$(field "$out" 'c["unpacked_layers"]["reclaimable_bytes"]')" = 0 ] || fail "df --json: $out"
expect 0 image prune
printf 'FROM debian-base:test\nRUN head -c 300000 /dev/urandom > /one\n' > "$work/edit/Dockerfile"
build 0 -t edited:latest "$work/edit"
contains "$err" "CACHED RUN head -c 300000 /dev/urandom > /one"
[ "$out" = "$old" ] || fail "going back gave another image: $old, then $out"
pass "a rebuilt name drops the old image's unpacked layers; prune keeps the build cache's blobs; image df says where space goes"
