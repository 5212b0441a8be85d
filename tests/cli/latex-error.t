# A LaTeX error is reported at the document line it came from; the log is kept.
=== requires
latexmk pdflatex
=== file doc.md
# Title

Fine text.

Broken math: $\frac{1}{$ here.
=== run
waybill render doc.md --to pdf
=== exit 1
=== stderr-contains
doc.md:5: error: LaTeX failed:
hint: the LaTeX log is in doc.log and the LaTeX source in doc.failed.tex
=== exists
doc.log
=== absent
doc.pdf
