# A document's only Dockerfile block may be unnamed: its cells run in it, as the image
# `default` (they were shown, not run, before).
=== file report.md
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3
```

```{python}
print(6 * 7)
```
=== run
waybill render report.md --dry-run
=== exit 0
=== stdout-contains
image default (Dockerfile at report.md:1:1)
session python in default: 1 cell
