#!/usr/bin/env bash
# The copy fallback (WAYBILL_ROOTFS=copy stands in for a kernel without overlayfs): the
# box runs on a private copy of the layers, its writes never reach them, and the copy
# is removed afterwards.
source "$(dirname "$0")/box_lib.sh"
layer=$("$waybill" image unpack "$img" | head -1)
WAYBILL_ROOTFS=copy box 0 "$img" sh -c 'echo changed > /etc/motd; rm /etc/issue; cat /etc/os-release | head -1; cat /etc/hostname'
contains "$out" "Debian GNU/Linux"
[ -f "$layer/etc/issue" ] || fail "the box's rm reached the layer"
! grep -q changed "$layer/etc/motd" 2> /dev/null || fail "the box's write reached the layer"
no_leftovers
pass "a box on a copy of its image works, and leaves the layers and the disk as they were"
