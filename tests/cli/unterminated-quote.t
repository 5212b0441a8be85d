# Strict YAML: an unterminated quote in the front matter is an error at its line, not a
# title that swallows the rest of the block.
=== file paper.md
---
title: "unterminated
author: [a, b
---

# Introduction
=== run
waybill render paper.md
=== exit 1
=== stderr
paper.md:2:8: error: invalid front matter YAML: wrongly indented double-quoted scalar
  hint: check for an unclosed quote; a quoted value that goes on over several lines indents them
=== absent
paper.html
