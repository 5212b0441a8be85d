# `waybill run` without root or with bad flags: a precise error and Docker's exit codes
# (2 for flags CLI11 refuses, 125 when the box cannot start).
=== run
waybill run
=== exit 2
=== stderr-contains
image is required
=== run
waybill run --network bridge debian true
=== exit 2
=== stderr-contains
--network: bridge not in {none,host}
=== run
env WAYBILL_HOME=home waybill run --memory lots debian true
=== exit 125
=== stderr
error: invalid --memory `lots`
  hint: give at least 4m, e.g. --memory 512m
=== run
env WAYBILL_HOME=home waybill run --timeout forever debian true
=== exit 125
=== stderr
error: invalid --timeout `forever`
  hint: e.g. --timeout 30s, 500ms or 5m
=== run
env WAYBILL_HOME=home waybill run nosuch:tag true
=== exit 125
=== stderr
error: no image `nosuch:tag` in the store ($TMP/home/store)
  hint: `waybill image ls` lists the images; `image bootstrap`, `image import` and `image load` add them
=== run
env WAYBILL_HOME=home waybill run -v nowhere:/data nosuch:tag true
=== exit 125
=== stderr-contains
no image `nosuch:tag`
