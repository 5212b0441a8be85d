=== run
waybill render --help
=== exit 0
=== stdout-contains
--to
--output-dir
--template
--self-contained
