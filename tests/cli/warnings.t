# Warnings do not stop the render: an unknown option (with a suggestion), an
# unterminated fence, an unknown citation and an unknown cross-reference. They come
# in the pipeline's order: reading, planning, then writing.
=== file doc.md
---
title: Warnings
---

See [@nobody] and @fig-none.

```{python}
#| ecko: false
print(1)
```

```bash
echo never closed
=== run
waybill render doc.md
=== exit 0
=== stderr
doc.md:8:4: warning: unknown cell option `ecko`
  hint: did you mean `echo`?
doc.md:12:1: warning: code fence is never closed; it runs to the end of its section
  hint: add a closing ``` line
doc.md:7:1: warning: the document declares no image, so its cells are shown, not run
  hint: add a ```dockerfile {#name} block, or name a stored image in the front matter: `waybill: {image: NAME}`
doc.md:5:6: warning: citation key `nobody` is not in the bibliography
  hint: add `bibliography: refs.bib` to the front matter
doc.md:5:19: warning: unknown cross-reference `@fig-none`
  hint: give the target that label: `{#fig-none}` on a heading, figure, table or equation, or `#| label: fig-none` on a cell
rendered doc.md → doc.html (TIME)
=== exists
doc.html
