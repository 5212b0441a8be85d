=== file doc.md
# Hello
=== run
waybill render doc.md --to docx
=== exit 2
=== stderr
error: unknown output format `docx`
  hint: use --to html, --to latex or --to pdf
=== absent
doc.html
