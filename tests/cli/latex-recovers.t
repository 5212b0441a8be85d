# After a LaTeX failure is fixed, the next render removes the stale log and source.
=== requires
latexmk pdflatex
=== file doc.md
# Title

Fixed math: $\frac{1}{2}$.
=== file doc.log
stale log from an earlier failure
=== file doc.failed.tex
stale source
=== run
waybill render doc.md --to pdf -q
=== exit 0
=== exists
doc.pdf
=== absent
doc.log
doc.failed.tex
