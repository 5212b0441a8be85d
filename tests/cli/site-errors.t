# `waybill site` checks waybill.yml before any page runs: each mistake is an error at
# its line and column in waybill.yml, with a hint.
=== file bad-key/waybill.yml
title: A course
pagez: [index.md]
=== file bad-key/index.md
# Home
=== run
waybill site bad-key
=== exit 1
=== stderr
bad-key/waybill.yml:2:8: error: unknown key `pagez` in waybill.yml
  hint: did you mean `pages`?
=== file missing-page/waybill.yml
pages:
  - index.md
  - section: Lessons
    pages: [one.md, two.md]
=== file missing-page/index.md
# Home
=== file missing-page/one.md
# One
=== run
waybill site missing-page
=== exit 1
=== stderr
missing-page/waybill.yml:4:21: error: no such page: two.md
  hint: check the path; pages are relative to missing-page
=== file bad-manifest/waybill.yml
defaults:
  manifest:
    network: sometimes
=== file bad-manifest/index.md
# Home
=== run
waybill site bad-manifest
=== exit 1
=== stderr
bad-manifest/waybill.yml:3:14: error: manifest: network must be none or host, not `sometimes`
  hint: cells have no network unless you write network: host
=== file bad-option/waybill.yml
defaults:
  execute:
    echo: maybe
=== file bad-option/index.md
# Home
=== run
waybill site bad-option
=== exit 1
=== stderr-contains
bad-option/waybill.yml:3:11: error:
=== run
waybill site no-such-folder
=== exit 2
=== stderr
error: no such folder: no-such-folder
  hint: give the folder that holds waybill.yml
