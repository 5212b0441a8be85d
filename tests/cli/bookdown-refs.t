# bookdown's cross-references: \@ref(fig:x) names a captioned chunk x, \@ref(eq:x) an
# equation labelled (\#eq:x) inside its math, \@ref(id) a section; each becomes the
# number alone, linked to its target, in HTML and in LaTeX.
=== file book.Rmd
---
title: Bookdown
---

# Introduction {#intro}

See figure \@ref(fig:cars-plot), equation \@ref(eq:binom) and section \@ref(intro).

$$
f(k) = {n \choose k} p^{k}
(\#eq:binom)
$$

```{r cars-plot, fig.cap="Cars", eval=FALSE}
plot(cars)
```
=== run
waybill render book.Rmd --to html --to latex --no-execute
=== exit 0
=== run
grep -o 'figure <a href="#fig-cars-plot" class="cross-ref">1</a>, equation <a href="#eq-binom" class="cross-ref">1</a> and section <a href="#intro" class="cross-ref">1</a>' book.html
=== exit 0
=== run
grep -c 'id="eq-binom"' book.html
=== exit 0
=== run
grep -c '#eq:binom' book.html
=== exit 1
=== run
grep -c 'equation \\hyperref\[eq-binom\]{1}' book.tex
=== exit 0
