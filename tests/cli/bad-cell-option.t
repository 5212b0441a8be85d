=== file analysis.Rmd
---
title: Analysis
---

```{r plot, echo=FALSE, fig.width="wide"}
plot(cars)
```
=== run
waybill render analysis.Rmd
=== exit 1
=== stderr
analysis.Rmd:5:35: error: cell option `fig-width` must be a positive number, not `wide`
  hint: write it as `#| fig-width: 5`
