# `waybill build -f paper.md`: a document's Dockerfile block, with errors located at the
# document's own lines.
=== file paper.md
---
title: A paper
---

Some prose.

```dockerfile {#env}
FROM debian-base:test
RUN echo built > /built
RUNN oops
```

```dockerfile {#other}
FROM debian-base:test
```
=== run
env WAYBILL_HOME=home waybill build -f paper.md .
=== exit 2
=== stderr
error: paper.md has several Dockerfile blocks
  hint: choose one with --image NAME: env, other
=== run
env WAYBILL_HOME=home waybill build -f paper.md --image nosuch .
=== exit 2
=== stderr
error: no Dockerfile block is named `nosuch`
  hint: choose one with --image NAME: env, other
=== run
env WAYBILL_HOME=home waybill build -f paper.md --image env .
=== exit 1
=== stderr
paper.md:10:1: error: unknown instruction: RUNN
  hint: did you mean RUN?
