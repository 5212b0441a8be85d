# With no verb, waybill prints its help.
=== run
waybill
=== exit 0
=== stdout-contains
Render documents to HTML, LaTeX or PDF
