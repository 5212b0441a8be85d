=== file doc.qmd
```{python}
#| label: setup
import math
```

Text.

```{python}
#| label: setup
x = 1
```
=== run
waybill render doc.qmd
=== exit 1
=== stderr
doc.qmd:9:4: error: duplicate cell label `setup`
  hint: `setup` is already used at line 2; labels must be unique
