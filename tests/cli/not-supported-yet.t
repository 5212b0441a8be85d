# Features of Quarto and R Markdown that waybill does not implement yet are located
# warnings that say what happens instead, never silence; the render goes on (exit 0).
# A knitr option on several chunks is one warning naming the other lines. Inline notes
# are implemented: they become footnotes.
=== file report.Rmd
---
title: Report
theme: cosmo
format:
  html:
    code-tools: true
---

{{< pagebreak >}}

A claim.^[With a *note*.]

::: {layout-ncol=2}
## One
1
:::

```{r a, fig.align='center'}
1
```

```{r b, fig.align='center', child='other.Rmd'}
```
=== run
waybill render report.Rmd
=== exit 0
=== stderr-contains
report.Rmd:3:8: warning: front matter key `theme` is not supported yet: waybill's own theme is used; `template:` replaces the page
report.Rmd:6:17: warning: front matter key `format: html: code-tools` is not supported yet: it has no effect
report.Rmd:18:10: warning: cell option `fig.align` is not supported yet: it has no effect
  hint: waybill runs the cell as if it were not set; also at line 22 (2 in all)
report.Rmd:22:30: warning: cell option `child` is not supported yet: the child document is not read; copy its text into this document
report.Rmd:9:1: warning: the shortcode `pagebreak` is not supported yet; it is shown as written
report.Rmd:13:1: warning: figure layouts (`layout-ncol`) are not supported yet; the figures are shown one after another
=== run
grep -c 'id="fn1"' report.html
=== exit 0
