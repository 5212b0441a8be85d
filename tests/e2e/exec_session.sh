#!/usr/bin/env bash
# Python and bash sessions in a box: builds an image with python3 on the Debian base (apt from
# Debian's archive), then runs tests/exec/session_test.cpp against it.
#   exec_session.sh WAYBILL FIXTURES SESSION_TEST
source "$(dirname "$0")/build_lib.sh"
need_mirror  # the image's RUN step runs apt-get
session_test=$3
mkdir -p "$work/ctx" "$work/doc"
echo "# a document" > "$work/doc/doc.md"
printf 'FROM debian-base:test\nRUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 > /dev/null && rm -rf /var/lib/apt/lists/*\n' > "$work/ctx/Dockerfile"
build 0 -t python:test "$work/ctx"
"$session_test" python:test "$work/doc"
