# `waybill run --help` names every flag the issue asks for, and the exit codes.
=== run
waybill run --help
=== exit 0
=== stdout-contains
--rm
-e,--env
-v,--volume
-w,--workdir
-u,--user
--network
--memory
--pids
--cpus
--timeout
--ulimit
-i,--interactive
-t,--tty
128+N
