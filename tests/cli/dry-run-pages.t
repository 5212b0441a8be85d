# `render --dry-run` reads a document as `render` does (driver/prepare.hpp): the plan's
# warnings are printed, and a page of a site (a waybill.yml above it that lists it) gets
# the site's defaults and images, as `waybill site` would give it.
=== file lone.md
# Lone

```{python}
print(1)
```
=== run
waybill render --dry-run lone.md
=== exit 0
=== stderr-contains
lone.md:3:1: warning: the document declares no image, so its cells are shown, not run
=== stdout-contains
lone.md:
=== file course/waybill.yml
images:
  env: |
    FROM scratch
defaults:
  manifest:
    languages:
      python: {image: env}
=== file course/lessons/one.md
# One

```{python}
print(1)
```
=== run
waybill render --dry-run course/lessons/one.md
=== exit 0
=== stdout-contains
image env (Dockerfile at
session python in env: 1 cell (line 3)
