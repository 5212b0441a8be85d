#!/usr/bin/env bash
# `cmake --install` puts waybill, its module and its templates where the installed
# binary finds them.
set -euo pipefail
build=$1
doc=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
test -x "$prefix/bin/waybill"
test -f "$prefix/lib/waybill/document.so"
test -f "$prefix/lib/waybill/engine.so"
test -f "$prefix/lib/waybill/box.so"
test -f "$prefix/share/waybill/templates/html/default.html"
"$prefix/bin/waybill" render "$doc" -o "$prefix/out" -q --no-execute
test -s "$prefix/out/$(basename "${doc%.*}").html"
"$prefix/bin/waybill" --version
echo "installed tree works"
