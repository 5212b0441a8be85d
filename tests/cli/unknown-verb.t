=== run
waybill frobnicate
=== exit 2
=== stderr-contains
frobnicate
