#!/usr/bin/env bash
# Multi-stage builds: only the stages the target needs; COPY --from a stage or an
# image; ARG before FROM; FROM an earlier stage; FROM scratch.
source "$(dirname "$0")/build_lib.sh"
ctx=$work/ctx
mkdir -p "$ctx"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
ARG BASE=debian-base:test
FROM $BASE AS builder
RUN mkdir -p /out && echo built > /out/artifact

FROM builder AS tester
RUN test -f /out/artifact && echo tested > /out/tested

FROM $BASE AS broken
RUN echo this stage must not run && exit 3

FROM scratch AS minimal
COPY --from=builder /out/artifact /artifact
COPY --from=debian-base:test /etc/debian_version /debian_version

FROM $BASE
COPY --from=tester /out/ /result/
COPY --from=minimal /artifact /from-minimal
DOCKERFILE

build 0 -t staged:1 "$ctx"
lacks "$err" "must not run"
lacks "$err" "[broken"
box 0 --rm staged:1 sh -c 'cat /result/artifact /result/tested /from-minimal'
[ "$out" = "built
tested
built" ] || fail "COPY --from stages: $out"
pass "the last stage builds what it needs, and not the broken stage"

build 0 -t staged:min --target minimal "$ctx"
lacks "$err" "[tester"
c=$(config staged:min)
[ "$(field "$c" 'len(c["Layers"])')" = 2 ] || fail "FROM scratch with two COPY steps has two layers: $c"
pass "--target builds one stage; FROM scratch; COPY --from an image"

build 1 --target broken "$ctx"
contains "$err" "exited with code 3"
contains "$err" "this stage must not run"
build 2 --target nosuch "$ctx"
contains "$err" "no stage is named \`nosuch\`"
contains "$err" "builder, tester, broken, minimal"
pass "a failing stage reports; an unknown target lists the stages"
