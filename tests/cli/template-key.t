# The front matter's `template:` (relative to the document) replaces the default
# template, and front matter keys reach it, unknown ones included.
=== file notes/page.md
---
title: "A *small* page"
template: tpl/plain.html
course: {code: CS101}
---
Hello.
=== file notes/tpl/plain.html
<!DOCTYPE html><title>{{pagetitle}}</title><h1>{{{title}}}</h1><p>{{course.code}}</p>{{{body}}}
=== run
waybill render notes/page.md -q
=== exit 0
=== exists
notes/page.html
=== run
grep -c "CS101" notes/page.html
=== exit 0
