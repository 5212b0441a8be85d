# `waybill build` with a broken Dockerfile or command line: a located error and a hint,
# before anything runs (no root needed for any of these).
=== file ctx/Dockerfile
FROM debian-base:test
RUNN echo hi
=== run
env WAYBILL_HOME=home waybill build ctx
=== exit 1
=== stderr
ctx/Dockerfile:2:1: error: unknown instruction: RUNN
  hint: did you mean RUN?
=== file bad-flag/Dockerfile
FROM scratch
COPY --form=stage a b
=== run
env WAYBILL_HOME=home waybill build bad-flag
=== exit 1
=== stderr
bad-flag/Dockerfile:2:1: error: unknown flag --form for COPY
  hint: COPY accepts --from, --chown, --chmod, --link, --parents, --exclude
=== file env/Dockerfile
FROM scratch

ENV PATH
=== run
env WAYBILL_HOME=home waybill build env
=== exit 1
=== stderr
env/Dockerfile:3:1: error: ENV must have two arguments
  hint: write ENV NAME=value
=== file heredoc/Dockerfile
FROM scratch
RUN cat <<EOF
never ends
=== run
env WAYBILL_HOME=home waybill build heredoc
=== exit 1
=== stderr-contains
heredoc/Dockerfile:2:1: error: unterminated heredoc: no line `EOF` ends it
=== file before/Dockerfile
RUN true
FROM scratch
=== run
env WAYBILL_HOME=home waybill build before
=== exit 1
=== stderr-contains
before/Dockerfile:1:1: error: RUN before the first FROM
=== file nobase/Dockerfile
FROM nothere:1
=== run
env WAYBILL_HOME=home waybill build -q --pull never nobase
=== exit 1
=== stderr
nobase/Dockerfile:1:1: error: the image `nothere:1` is not in the store
  hint: put it there first (waybill image load, import, bootstrap or pull), or say how to get it in the manifest's `bases`
=== file unreachable/Dockerfile
FROM 127.0.0.1:1/nothere:1
=== run
env WAYBILL_HOME=home waybill build -q unreachable
=== exit 1
=== stderr-contains
unreachable/Dockerfile:1:1: error: the image `127.0.0.1:1/nothere:1` is not in the store, and pulling it failed: cannot connect to 127.0.0.1:1
=== run
env WAYBILL_HOME=home waybill build missing-dir
=== exit 2
=== stderr-contains
error: no Dockerfile at missing-dir/Dockerfile
=== run
waybill build --network bridge ctx
=== exit 2
=== stderr-contains
--network: bridge not in {host,none,default}
=== run
env WAYBILL_HOME=home waybill build --target nosuch ctx
=== exit 1
=== stderr-contains
unknown instruction: RUNN
=== file cross/Dockerfile
FROM --platform=linux/s390x scratch
=== run
env WAYBILL_HOME=home waybill build cross
=== exit 1
=== stderr-contains
cross/Dockerfile:1:1: error: FROM --platform=linux/s390x: waybill builds for this machine only
=== file expose/Dockerfile
FROM scratch
EXPOSE 8080 notaport/tcp
=== run
env WAYBILL_HOME=home waybill build -q expose
=== exit 1
=== stderr
expose/Dockerfile:2:1: error: EXPOSE `notaport/tcp` is not a port
  hint: write a port or a range, with an optional protocol: 8080, 8080/udp, 7000-7010/tcp
=== file signal/Dockerfile
FROM scratch
STOPSIGNAL SIGFOO
=== run
env WAYBILL_HOME=home waybill build -q signal
=== exit 1
=== stderr
signal/Dockerfile:2:1: error: STOPSIGNAL `SIGFOO` is not a signal
  hint: write a signal's name or number: SIGTERM, SIGINT, 9
