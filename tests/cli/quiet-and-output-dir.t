# -o puts the page and its assets in another directory; -q prints nothing when all is well.
=== file docs/page.md
# Page

Math: $x^2$.
=== run
waybill render docs/page.md -o out -q
=== exit 0
=== stderr
=== exists
out/page.html
out/page_files/waybill.css
out/page_files/katex/katex.min.js
=== absent
docs/page.html
