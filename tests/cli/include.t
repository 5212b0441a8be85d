# Quarto's include shortcode on a line of its own reads the file there; one that is
# missing, or lies outside the project folder, is an error at the include line.
=== file report.qmd
---
title: Report
---

{{< include parts/_intro.md >}}

The end.
=== file parts/_intro.md
---
title: ignored
---
Included *introduction*.
=== run
waybill render report.qmd
=== exit 0
=== run
grep -c 'Included <em>introduction</em>' report.html
=== exit 0
=== file missing.qmd
Text.

{{< include _gone.md >}}
=== run
waybill render missing.qmd
=== exit 1
=== stderr-contains
missing.qmd:3: error: open the included file `_gone.md`: No such file or directory
=== file sub/escape.qmd
{{< include ../report.qmd >}}
=== run
waybill render sub/escape.qmd
=== exit 1
=== stderr-contains
sub/escape.qmd:1: error: the included file `../report.qmd` lies outside the project folder
