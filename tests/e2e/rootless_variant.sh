#!/usr/bin/env bash
# Runs a root box test (box_isolation.sh, box_escapes.sh, box_tty.py, ...) again as an ordinary user
# made by this test, on a store of its own: what a box guarantees for root, it guarantees
# for the user (issue 20). The script sees WAYBILL_TEST_ROOTLESS=1 (box_lib.sh).
# usage: rootless_variant.sh SCRIPT WAYBILL FIXTURES
script=$(realpath "$1")
shift
source "$(dirname "$0")/rootless_lib.sh"
user=wbvar$$
new_user "$user"
home=$(home_of "$user")
runuser -u "$user" -- test -r "$script" || skip "$script is not readable by an ordinary user"
as_ok "$user" -q image load -i "$fixtures/base.tar"
cd "$home"
interpreter=bash
[[ "$script" != *.py ]] || interpreter=/usr/bin/python3  # root's python3 may be in root's home
set +e
runuser -u "$user" -- env HOME="$home" WAYBILL_HOME="$home/store" WAYBILL_TEST_ROOTLESS=1 PATH="$PATH" \
  "$interpreter" "$script" "$waybill" "$fixtures"
code=$?
set -e
exit "$code"
