# A subtitle and an abstract without a title still make a PDF (the title block's line
# break is only there when there is a title to break after).
=== requires
latexmk pdflatex
=== file doc.md
---
subtitle: A subtitle
abstract: An abstract.
---

# Introduction

Text.
=== run
waybill render doc.md --to pdf -q
=== exit 0
=== exists
doc.pdf
