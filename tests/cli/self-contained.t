=== file doc.md
# One file

Math $e^{i\pi}$ and an image ![dot](dot.png).
=== file dot.png
not really a png, but bytes to embed
=== run
waybill render doc.md --self-contained -q
=== exit 0
=== stderr
=== exists
doc.html
=== absent
doc_files
=== run
grep -o data:image/png;base64 doc.html
=== exit 0
=== stdout-contains
data:image/png;base64
