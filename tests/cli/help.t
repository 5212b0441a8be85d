# `waybill --help` lists the verbs and the exit codes.
=== run
waybill --help
=== exit 0
=== stdout-contains
render
Exit codes: 0 ok, 1 a document or cell failed,
