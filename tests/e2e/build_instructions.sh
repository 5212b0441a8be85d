#!/usr/bin/env bash
# waybill build: every instruction and option lands where Docker puts it, in the image
# config or in its files.
source "$(dirname "$0")/build_lib.sh"
ctx=$work/ctx
mkdir -p "$ctx/dir/nested" "$work/arch"
echo "file" > "$ctx/file.txt"
echo "a" > "$ctx/a.md"
echo "b" > "$ctx/b.md"
echo "deep" > "$ctx/dir/nested/deep.txt"
ln -s nested/deep.txt "$ctx/dir/link"
echo "inside" > "$work/arch/inside.txt"
tar -C "$work/arch" --owner=1234 --group=4321 -czf "$ctx/archive.tar.gz" inside.txt
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
# syntax=docker/dockerfile:1
ARG BASE=debian-base:test
FROM $BASE AS base
LABEL org.example.title="waybill test" version=1
MAINTAINER someone@example.org
ARG WHO=world
ENV GREETING="hello $WHO" PLAIN=plain
ENV OLD value with spaces
WORKDIR /srv
WORKDIR data
USER nobody
RUN test "$(id -un)" = nobody
USER root
RUN echo "$GREETING $PLAIN $OLD" > /srv/greeting
COPY --chown=nobody:nogroup --chmod=640 file.txt /srv/owned.txt
COPY dir/ /srv/dir/
COPY *.md /srv/docs/
ADD archive.tar.gz /srv/unpacked/
ADD file.txt /srv/added.txt
COPY <<EOF /srv/inline.txt
inline $PLAIN
EOF
RUN <<EOF
set -e
echo from-heredoc > /srv/heredoc.txt
EOF
RUN cat <<'END' > /srv/quoted.txt
$NOT_EXPANDED
END
SHELL ["/bin/bash", "-c"]
RUN echo "${BASH_VERSION%%.*}" > /srv/bash-major
RUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count > /srv/cache-count
EXPOSE 8080 53/udp
VOLUME /data
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD true
ONBUILD RUN echo child
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /srv/greeting"]
DOCKERFILE

build 0 -t every:1 "$ctx"
contains "$err" "[base 2/30] LABEL"
c=$(config every:1)
[ "$(field "$c" 'c["Config"]["Labels"]["org.example.title"]')" = "waybill test" ] || fail "label: $c"
[ "$(field "$c" 'c["Config"]["Labels"]["version"]')" = "1" ] || fail "label version"
[ "$(field "$c" '"GREETING=hello world" in c["Config"]["Env"] and "OLD=value with spaces" in c["Config"]["Env"]')" = True ] || fail "env: $c"
[ "$(field "$c" 'c["Config"]["WorkingDir"]')" = /srv/data ] || fail "workdir"
[ "$(field "$c" 'sorted(c["Config"]["ExposedPorts"])')" = "['53/udp', '8080/tcp']" ] || fail "expose"
[ "$(field "$c" 'list(c["Config"]["Volumes"])')" = "['/data']" ] || fail "volume"
[ "$(field "$c" 'c["Config"]["StopSignal"]')" = SIGTERM ] || fail "stopsignal"
[ "$(field "$c" 'c["Config"]["Healthcheck"]')" = "{'Interval': 30000000000, 'Retries': 3, 'Test': ['CMD-SHELL', 'true'], 'Timeout': 5000000000}" ] || fail "healthcheck: $(field "$c" 'c["Config"]["Healthcheck"]')"
[ "$(field "$c" 'c["Config"]["OnBuild"]')" = "['RUN echo child']" ] || fail "onbuild"
[ "$(field "$c" 'c["Config"]["Entrypoint"], c["Config"]["Cmd"]')" = "(['/bin/sh', '-c'], ['cat /srv/greeting'])" ] || fail "entrypoint/cmd"
[ "$(field "$c" 'len(c["History"])')" = 30 ] || fail "the base's history and one entry per step: $(field "$c" 'len(c["History"])')"
pass "the image config has every instruction's effect"

box 0 --rm every:1
[ "$out" = "hello world plain value with spaces" ] || fail "CMD through ENTRYPOINT: $out"
files() { box 0 --rm --entrypoint /bin/sh "$1" -c "$2"; }
files every:1 'stat -c "%a %U %G" /srv/owned.txt; cat /srv/dir/nested/deep.txt; readlink /srv/dir/link; ls /srv/docs'
[ "$out" = "640 nobody nogroup
deep
nested/deep.txt
a.md
b.md" ] || fail "COPY results: $out"
files every:1 'stat -c "%u:%g" /srv/unpacked/inside.txt'
[ "$out" = 1234:4321 ] || fail "ADD keeps the archive's owners: $out"
files every:1 'cat /srv/unpacked/inside.txt /srv/added.txt /srv/inline.txt /srv/heredoc.txt /srv/quoted.txt /srv/bash-major /srv/cache-count; test -d /srv/data && echo data-dir'
[ "$out" = 'inside
file
inline plain
from-heredoc
$NOT_EXPANDED
5
1
data-dir' ] || fail "ADD, heredocs, SHELL, cache mount, WORKDIR: $out"
pass "files: COPY --chown/--chmod, directories, globs, symlinks, ADD of a tar, heredocs"

build 0 -t every:2 --build-arg WHO=waybill --build-arg UNUSED=1 "$ctx"
contains "$err" "the build argument UNUSED was not used"
box 0 --rm every:2
[ "$out" = "hello waybill plain value with spaces" ] || fail "--build-arg: $out"
pass "--build-arg reaches ARG and what expands it; unused ones are reported"

build 0 -t every:3 --no-cache "$ctx"
lacks "$err" "CACHED"
files every:3 'cat /srv/cache-count'
[ "$out" = 3 ] || fail "the cache mount keeps its content between builds: $out"
pass "--no-cache runs every step; RUN --mount=type=cache persists outside the image"

mkdir -p "$work/child"
printf 'FROM every:1\nRUN echo second\n' > "$work/child/Dockerfile"
build 0 -t child:1 --progress plain "$work/child"
contains "$err" "onbuild 1/1] RUN echo child"
contains "$err" "  child"
c=$(config child:1)
[ "$(field "$c" '"OnBuild" in c["Config"]')" = False ] || fail "ONBUILD triggers do not pass on: $c"
pass "ONBUILD triggers run when an image builds FROM this one, once"
