# Import a root filesystem tarball; list, inspect, tag, save, remove; fsck stays clean.
=== file rootfs/etc/os-release
NAME=tiny
=== file rootfs/bin/hello
#!/bin/sh
echo hello
=== run
tar -C rootfs -cf rootfs.tar .
=== exit 0
=== run
env WAYBILL_HOME=home SOURCE_DATE_EPOCH=1700000000 waybill -q image import rootfs.tar tiny:1
=== exit 0
=== stdout-contains
sha256:
=== run
env WAYBILL_HOME=home waybill image tag tiny:1 example.org/team/tiny:latest
=== exit 0
=== run
env WAYBILL_HOME=home waybill image ls
=== exit 0
=== stdout-contains
tiny
example.org/team/tiny
=== run
env WAYBILL_HOME=home waybill image inspect tiny:1
=== exit 0
=== stdout-contains
"Created": "2023-11-14T22:13:20Z"
"RepoTags": [
=== run
env WAYBILL_HOME=home waybill image save -o out.tar tiny:1
=== exit 0
=== exists
out.tar
=== run
env WAYBILL_HOME=home waybill image rm tiny:1 example.org/team/tiny
=== exit 0
=== stdout-contains
Untagged: tiny:1
Deleted: 3 blobs
=== run
env WAYBILL_HOME=home waybill image load out.tar
=== exit 0
=== stdout-contains
Loaded image: tiny:1
=== run
env WAYBILL_HOME=home waybill image fsck
=== exit 0
=== stdout-contains
no problems
