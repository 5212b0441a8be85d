=== run
waybill render nope.md
=== exit 2
=== stderr
error: no such file: nope.md
  hint: give the path of a .md, .Rmd, .qmd or .ipynb document
