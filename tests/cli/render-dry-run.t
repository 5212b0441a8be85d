# `waybill render --dry-run` prints the plan: images, and sessions with their cells; a
# malformed manifest is an error at its line.
=== file paper.md
# Paper

```dockerfile {#analysis}
FROM debian:bookworm
```

```yaml {.manifest}
languages:
  python: {image: analysis, command: [python3, -u]}
```

```{python}
x = 1
```

```{bash}
echo hi
```
=== run
waybill render --dry-run paper.md
=== exit 0
=== stdout-contains
paper.md:
image analysis (Dockerfile at paper.md:3:1)
session python in analysis (python3 -u): 1 cell (line 12)
session bash in analysis: 1 cell (line 16)
=== file typo.md
# Typo

```yaml {.manifest}
langauges: {python: x}
```
=== run
waybill render --dry-run typo.md
=== exit 1
=== stderr
typo.md:4:12: error: manifest: unknown key `langauges` in the manifest
  hint: did you mean `languages`?
=== file limits.md
# Limits

```yaml {.manifest}
limits:
  memory: 1g
  timeout: forever
```
=== run
waybill render --dry-run limits.md
=== exit 1
=== stderr
limits.md:6:12: error: manifest: invalid limits.timeout `forever`
  hint: e.g. 30s, 2m or 1h
