# A YAML error in the front matter stops the render at its line, and writes nothing.
=== file paper.md
---
title: A paper
author: [Jane Doe, John Roe
date: 2026
---

# Introduction
=== run
waybill render paper.md
=== exit 1
=== stderr
paper.md:3:9: error: invalid front matter YAML: flow sequence without a closing bracket
  hint: check for an unclosed quote or bracket
=== absent
paper.html
paper_files
