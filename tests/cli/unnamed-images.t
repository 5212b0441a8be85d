=== file doc.md
```dockerfile {#python-env}
FROM debian:bookworm
```

```dockerfile
FROM debian:bookworm
RUN apt-get install -y r-base
```
=== run
waybill render doc.md
=== exit 1
=== stderr
doc.md:5:1: error: this document has 2 Dockerfile blocks, so each needs a name
  hint: name it in the fence: ```dockerfile {#analysis}
