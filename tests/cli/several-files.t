# Several documents in one call, each to the formats its front matter asks for.
=== file a.Rmd
---
title: A
output:
  html_document: default
---
Text.
=== file b.qmd
---
title: B
format: latex
---
Text.
=== run
waybill render a.Rmd b.qmd
=== exit 0
=== stderr
rendered a.Rmd → a.html (TIME)
rendered b.qmd → b.tex (TIME)
=== exists
a.html
b.tex
=== absent
a.tex
b.html
