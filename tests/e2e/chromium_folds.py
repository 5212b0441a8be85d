#!/usr/bin/env python3
"""Tabsets, folded code and collapsed callouts work in a real browser with no script for
them (the page's one inline script opens folds for printing): headless Chromium loads
the page with a test script added that clicks the second tab, a code fold's summary and
a callout's summary, and reports what shows.

usage: chromium_folds.py WAYBILL
"""
import os
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

DOC = """---
title: Folds
---

::: {.panel-tabset}
## First

First panel.

## Second

Second panel.
:::

```{bash}
#| code-fold: true
#| code-summary: Show me
echo folded
```

::: {.callout-tip collapse="true"}
## Hidden tip
Tip body.
:::
"""

PROBE = """<script>
window.addEventListener("load", function () {
  var shown = function (el) { return !!el && (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null); };
  var panels = document.querySelectorAll(".panel-tabset > .tab-panel");
  var out = [];
  out.push("before=" + (shown(panels[0]) ? "1" : "") + (shown(panels[1]) ? "2" : ""));
  document.querySelectorAll(".panel-tabset label")[1].click();
  out.push("after=" + (shown(panels[0]) ? "1" : "") + (shown(panels[1]) ? "2" : ""));
  var code = document.querySelector("details.code-fold pre");
  out.push("code=" + (shown(code) ? "shown" : "hidden"));
  document.querySelector("details.code-fold > summary").click();
  out.push("code-after=" + (shown(code) ? "shown" : "hidden"));
  var tip = document.querySelector("details.callout-fold .callout-body");
  out.push("tip=" + (shown(tip) ? "shown" : "hidden"));
  document.querySelector("details.callout-fold > summary").click();
  out.push("tip-after=" + (shown(tip) ? "shown" : "hidden"));
  out.push("scripts=" + document.querySelectorAll("script").length);
  document.body.setAttribute("data-probe", out.join(" "));
});
</script>"""


def main():
    waybill = sys.argv[1]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (apt-get install chromium)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "folds.md")
        with open(doc, "w") as f:
            f.write(DOC)
        r = subprocess.run([waybill, "render", doc, "--no-execute"], capture_output=True, text=True)
        if r.returncode != 0 or "warning" in r.stderr:
            print("FAIL: render:", r.returncode, r.stderr)
            return 1
        page = os.path.join(tmp, "folds.html")
        text = open(page).read()
        own_scripts = text.count("<script")
        probed = os.path.join(tmp, "probed.html")
        with open(probed, "w") as out:
            out.write(text.replace("</body>", PROBE + "</body>"))
        proc = subprocess.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + os.path.join(tmp, "profile"),
                              "--virtual-time-budget=5000", "--dump-dom", "file://" + probed],
                              capture_output=True, text=True, timeout=120)
        found = [line for line in proc.stdout.splitlines() if "data-probe=" in line]
        if not found:
            print("FAIL: chromium gave no result:", proc.returncode, proc.stderr[-2000:])
            return 1
        probe = found[0].split('data-probe="')[1].split('"')[0]
        want = ("before=1 after=2 code=hidden code-after=shown tip=hidden tip-after=shown scripts=" +
                str(own_scripts + 1))
        if probe != want:
            print(f"FAIL: in Chromium: {probe}\n  wanted: {want}")
            return 1
        print(f"ok: tabs switch, code folds and callouts open in Chromium ({own_scripts} script(s) of the page's own)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
