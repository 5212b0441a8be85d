# `waybill build --help` names every flag the issue asks for.
=== run
waybill build --help
=== exit 0
=== stdout-contains
-f,--file
--image
-t,--tag
--build-arg
--target
--no-cache
--network
--source-date-epoch
-q,--quiet
