# Image commands on an empty store: precise errors, exit 2 for a wrong argument.
=== run
env WAYBILL_HOME=home waybill image inspect nosuch:tag
=== exit 2
=== stderr
error: no image `nosuch:tag` in the store ($TMP/home/store)
  hint: `waybill image ls` lists the images; `image bootstrap`, `image import` and `image load` add them
=== run
env WAYBILL_HOME=home waybill image tag nosuch Bad:Name
=== exit 2
=== run
env WAYBILL_HOME=home waybill image inspect Bad/Name
=== exit 2
=== stderr
error: invalid image reference `Bad/Name`: the repository name must be lower case
  hint: references look like `debian:bookworm`, `registry.example:5000/team/tool:1.2` or `name@sha256:...`
=== run
env WAYBILL_HOME=home waybill image ls
=== exit 0
=== stdout-contains
REPOSITORY
