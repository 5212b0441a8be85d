#!/usr/bin/env bash
# Reproducible builds: with SOURCE_DATE_EPOCH, two builds from empty stores give the
# same manifest digest; one byte changed in a COPY source changes it.
source "$(dirname "$0")/build_lib.sh"
ctx=$work/ctx
mkdir -p "$ctx"
echo "input data" > "$ctx/data.txt"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
COPY data.txt /data/
RUN sort /data/data.txt > /data/sorted && mkdir -p /opt/app && echo ok > /opt/app/state
ENV RESULT=/data/sorted
DOCKERFILE
fresh_home "$work/a"
build 0 --source-date-epoch 1700000000 "$ctx"
a=$out
fresh_home "$work/b"
sleep 1
build 0 --build-arg SOURCE_DATE_EPOCH=1700000000 "$ctx"
b=$out
[ "$a" = "$b" ] || fail "two clean builds differ: $a vs $b"
pass "two clean builds give the same digest ($a)"

printf 'input datA\n' > "$ctx/data.txt"
fresh_home "$work/c"
SOURCE_DATE_EPOCH=1700000000 build 0 "$ctx"
[ "$out" != "$a" ] || fail "a changed byte kept the digest"
pass "one byte changed in a COPY source changes the digest"
