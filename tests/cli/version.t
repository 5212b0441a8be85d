# The version, and the versions of the libraries waybill links, modules included.
=== run
waybill --version
=== exit 0
=== stdout-contains
waybill 0.
CLI11
cmark-gfm
libfyaml
OpenSSL
source-highlight
