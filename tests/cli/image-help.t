=== run
waybill image --help
=== exit 0
=== stdout-contains
import
bootstrap
load
save
inspect
fsck
prune
