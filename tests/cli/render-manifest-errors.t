# `waybill render` refuses a malformed manifest before building or running anything:
# each mistake is an error at its line and column, with a hint, and no page is written.
=== file network.md
# T

```dockerfile {#a}
FROM scratch
```

```yaml {.manifest}
network: sometimes
```
=== run
waybill render network.md
=== exit 1
=== stderr
network.md:8:10: error: manifest: network must be none or host, not `sometimes`
  hint: cells have no network unless you write network: host
=== file mounts.md
# T

```dockerfile {#a}
FROM scratch
```

```yaml {.manifest}
mounts: [{source: data}]
```
=== run
waybill render mounts.md
=== exit 1
=== stderr
mounts.md:8:10: error: manifest: a mount needs a source (or an image) and a target
  hint: write {source: data, target: /data} or {image: NAME, target: /data}
=== file bases.md
# T

```dockerfile {#a}
FROM scratch
```

```yaml {.manifest}
bases: {"debian:bookworm": {bootstrap: {suite: bookworm, colour: red}}}
```
=== run
waybill render bases.md
=== exit 1
=== stderr
bases.md:8:66: error: manifest: unknown key `colour` in bases.debian:bookworm.bootstrap
  hint: bases.debian:bookworm.bootstrap takes suite, mirror, include, packages, variant
=== file env.md
# T

```dockerfile {#a}
FROM scratch
```

```yaml {.manifest}
env: [FOO]
```
=== run
waybill render env.md
=== exit 1
=== stderr
env.md:8:6: error: manifest: env entry `FOO` is not NAME=value
  hint: write env: {NAME: value}
